// Token introspection (RFC 7662), for authenticated confidential clients.
import { authenticateClient } from "@/lib/clients";
import { endpoint, introspect, issuer } from "@/lib/oidc";
import { jsonResponse, oauthErrorResponse, readForm } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const authorization = request.headers.get("authorization");
  try {
    const body = await readForm(request);
    const client = await authenticateClient({ authorizationHeader: authorization, body, tokenEndpointUrl: endpoint("token"), issuer: issuer() });
    return jsonResponse(await introspect(client, body.token, body.token_type_hint));
  } catch (e) {
    return oauthErrorResponse(e, { basicAuthUsed: /^Basic /i.test(authorization ?? "") });
  }
}
