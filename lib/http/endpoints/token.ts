// Token endpoint (RFC 6749 §3.2): client authentication (lib/applications), then the grant (lib/oidc).
import "server-only";
import { authenticateClient } from "@/lib/applications";
import { endpoint, handleTokenRequest, issuer } from "@/lib/oidc";
import { contextFromHeaders } from "../request-context";
import { jsonResult, oauthErrorResult, readForm } from "../oauth";
import type { EndpointRequest, EndpointResult } from "./result";
import { CORS_HEADERS, preflight } from "./cors";

export async function POST(request: EndpointRequest): Promise<EndpointResult> {
  const authorization = request.headers.get("authorization");
  try {
    const body = await readForm(request);
    const client = await authenticateClient({ authorizationHeader: authorization, body, tokenEndpointUrl: endpoint("token"), issuer: issuer() });
    return jsonResult(await handleTokenRequest(client, body, contextFromHeaders(request.headers)), 200, CORS_HEADERS);
  } catch (e) {
    return oauthErrorResult(e, { basicAuthUsed: /^Basic /i.test(authorization ?? ""), headers: CORS_HEADERS });
  }
}

export function OPTIONS(): EndpointResult {
  return preflight("POST");
}
