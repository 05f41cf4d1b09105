// Device authorization endpoint (RFC 8628 §3.1-3.2): client authentication as at the token endpoint
// (public clients send only client_id), then lib/oidc issues the device and user codes.
import "server-only";
import { authenticateClient } from "@/lib/applications";
import { endpoint, issuer, startDeviceAuthorization } from "@/lib/oidc";
import { contextFromHeaders } from "../request-context";
import { jsonResult, oauthErrorResult, readForm } from "../oauth";
import type { EndpointRequest, EndpointResult } from "./result";

export async function POST(request: EndpointRequest): Promise<EndpointResult> {
  const authorization = request.headers.get("authorization");
  try {
    const body = await readForm(request);
    const client = await authenticateClient({ authorizationHeader: authorization, body, tokenEndpointUrl: endpoint("token"), issuer: issuer() });
    return jsonResult(await startDeviceAuthorization(client, body.scope, contextFromHeaders(request.headers), undefined, body.acr_values));
  } catch (e) {
    return oauthErrorResult(e, { basicAuthUsed: /^Basic /i.test(authorization ?? "") });
  }
}
