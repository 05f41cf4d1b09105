// Token endpoint (RFC 6749 §3.2): client authentication (lib/clients), then the grant (lib/oidc).
import { authenticateClient } from "@/lib/clients";
import { endpoint, handleTokenRequest, issuer } from "@/lib/oidc";
import { contextFromHeaders, jsonResponse, oauthErrorResponse, readForm } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const authorization = request.headers.get("authorization");
  try {
    const body = await readForm(request);
    const client = await authenticateClient({ authorizationHeader: authorization, body, tokenEndpointUrl: endpoint("token"), issuer: issuer() });
    return jsonResponse(await handleTokenRequest(client, body, contextFromHeaders(request.headers)));
  } catch (e) {
    return oauthErrorResponse(e, { basicAuthUsed: /^Basic /i.test(authorization ?? "") });
  }
}
