// GET /api/federation/v1/tokens/{connection}: the upstream's tokens kept for the user (a connection
// that stores tokens), handed to an application acting for them, refreshed first when about to
// expire. Authentication: a Portico access token issued to the application for the user (RFC
// 6750 §2.1) holding federation:tokens. The answer is a credential: never cached (RFC 9111
// §5.2.2.5). Errors are RFC 9457 problem details; token faults carry the RFC 6750 §3 challenge.
import "server-only";
import crypto from "node:crypto";
import { FederationError, upstreamTokensFor } from "@/lib/federation";
import { authenticateBearer, bearerToken, FEDERATION_TOKENS_SCOPE, OAuthError } from "@/lib/oidc";
import { contextFromHeaders } from "../request-context";
import { bearerProblem, statusProblem as problem } from "./bearer-problem";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";

const SCOPES = [FEDERATION_TOKENS_SCOPE] as const;
const HEADERS = { ...NO_STORE, "X-Content-Type-Options": "nosniff" };

/** forbidden: the application does not offer that connection; not_found: nothing kept there; sign_in_required: the customer signs in at the connection again; the upstream failing is a gateway's fault. */
const FEDERATION_STATUS: Partial<Record<FederationError["code"], number>> = { forbidden: 403, not_found: 404, sign_in_required: 409, upstream_unreachable: 502, upstream_error: 502, invalid_response: 502 };

function errorResult(e: unknown): EndpointResult {
  if (e instanceof OAuthError) return bearerProblem(e, SCOPES);
  if (e instanceof FederationError) return problem(FEDERATION_STATUS[e.code] ?? 400, e.message, { error: e.code });
  const id = crypto.randomUUID();
  console.error(`[portico] federation tokens API error ${id}`, e);
  return problem(500, `internal error (reference ${id.slice(0, 8)})`);
}

/** The connection's slug: the path's last segment. */
function slugOf(request: EndpointRequest): string {
  const path = new URL(request.url, "http://portico.invalid").pathname;
  return path.slice(path.lastIndexOf("/") + 1);
}

export async function GET(request: EndpointRequest): Promise<EndpointResult> {
  try {
    const principal = await authenticateBearer(bearerToken(request.headers.get("authorization")), SCOPES);
    const tokens = await upstreamTokensFor(principal.userId, slugOf(request), { clientId: principal.clientId, ctx: contextFromHeaders(request.headers) });
    const expiresIn = tokens.expiresAt && Math.max(0, Math.floor((tokens.expiresAt.getTime() - Date.now()) / 1000));
    // RFC 6749 §5.1's member names, as the upstream's token endpoint answered them.
    const body = { access_token: tokens.accessToken, token_type: "Bearer", ...(expiresIn !== null ? { expires_in: expiresIn } : {}), ...(tokens.idToken ? { id_token: tokens.idToken } : {}) };
    return { status: 200, headers: { "Content-Type": "application/json", ...HEADERS }, body: JSON.stringify(body) };
  } catch (e) {
    return errorResult(e);
  }
}
