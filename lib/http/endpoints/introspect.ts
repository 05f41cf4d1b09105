// Token introspection (RFC 7662), for authenticated confidential clients (servers: no CORS).
import "server-only";
import { authenticateClient } from "@/lib/applications";
import { endpoint, introspect, issuer } from "@/lib/oidc";
import { jsonResult, oauthErrorResult, readForm } from "../oauth";
import type { EndpointRequest, EndpointResult } from "./result";

export async function POST(request: EndpointRequest): Promise<EndpointResult> {
  const authorization = request.headers.get("authorization");
  try {
    const body = await readForm(request);
    const client = await authenticateClient({ authorizationHeader: authorization, body, tokenEndpointUrl: endpoint("token"), issuer: issuer() });
    return jsonResult(await introspect(client, body.token, body.token_type_hint));
  } catch (e) {
    return oauthErrorResult(e, { basicAuthUsed: /^Basic /i.test(authorization ?? "") });
  }
}
