// Token revocation (RFC 7009): 200 whether or not the token was known (§2.2). A browser
// application revokes its own tokens at sign-out, hence CORS.
import "server-only";
import { authenticateClient } from "@/lib/applications";
import { endpoint, issuer, revoke } from "@/lib/oidc";
import { contextFromHeaders } from "../request-context";
import { oauthErrorResult, readForm } from "../oauth";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";
import { CORS_HEADERS, preflight } from "./cors";

export async function POST(request: EndpointRequest): Promise<EndpointResult> {
  const authorization = request.headers.get("authorization");
  try {
    const body = await readForm(request);
    const client = await authenticateClient({ authorizationHeader: authorization, body, tokenEndpointUrl: endpoint("token"), issuer: issuer() });
    await revoke(client, body.token, body.token_type_hint, contextFromHeaders(request.headers));
    return { status: 200, headers: { ...NO_STORE, ...CORS_HEADERS }, body: null };
  } catch (e) {
    return oauthErrorResult(e, { basicAuthUsed: /^Basic /i.test(authorization ?? ""), headers: CORS_HEADERS });
  }
}

export function OPTIONS(): EndpointResult {
  return preflight("POST");
}
