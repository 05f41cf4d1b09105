// Token revocation (RFC 7009): 200 whether or not the token was known (§2.2).
import { authenticateClient } from "@/lib/clients";
import { endpoint, issuer, revoke } from "@/lib/oidc";
import { contextFromHeaders, oauthErrorResponse, readForm } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const authorization = request.headers.get("authorization");
  try {
    const body = await readForm(request);
    const client = await authenticateClient({ authorizationHeader: authorization, body, tokenEndpointUrl: endpoint("token"), issuer: issuer() });
    await revoke(client, body.token, body.token_type_hint, contextFromHeaders(request.headers));
    return new Response(null, { status: 200, headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    return oauthErrorResponse(e, { basicAuthUsed: /^Basic /i.test(authorization ?? "") });
  }
}
