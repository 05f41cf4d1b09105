// End-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2: GET and POST). Thin: parse,
// ask lib/oidc, then sign out, ask the user, or show an error (never redirecting on one).
import { completeRpLogout, OAuthError, openRpLogoutParams, postLogoutRedirect, sealRpLogoutParams, sealRpLogoutRequest, validateRpLogout } from "@/lib/oidc";
import { clearSessionCookie, contextFromHeaders, currentSession, sessionTokenFromCookie, singleValued } from "@/lib/http";

export const dynamic = "force-dynamic";

/** Our own re-entry parameter (POST -> GET); never one of the protocol's. */
const SEALED = "_portico_logout";
const MALFORMED = "/logout/error?reason=malformed_request";

function see(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

function paramsOf(search: URLSearchParams): Record<string, string> | null {
  try {
    return singleValued(search);
  } catch (e) {
    if (e instanceof OAuthError) return null;
    throw e;
  }
}

export async function GET(request: Request) {
  let raw = paramsOf(new URL(request.url).searchParams);
  if (raw && SEALED in raw) raw = Object.keys(raw).length === 1 ? openRpLogoutParams(raw[SEALED]!) : null;
  if (!raw) return see(MALFORMED);
  const session = await currentSession();
  const outcome = await validateRpLogout(raw, session && { id: session.id, userId: session.user.id });
  switch (outcome.kind) {
    case "error":
      return see(`/logout/error?reason=${outcome.reason}`);
    case "confirm":
      return see(`/logout/confirm?request=${encodeURIComponent(sealRpLogoutRequest(outcome.request))}`);
    case "logout":
      await completeRpLogout(await sessionTokenFromCookie(), outcome.request, contextFromHeaders(request.headers));
      await clearSessionCookie();
      return see(postLogoutRedirect(outcome.request) ?? "/logout/done");
    case "signed_out":
      return see(postLogoutRedirect(outcome.request) ?? "/logout/done");
  }
}

/** A cross-site POST carries no SameSite=Lax cookie: continue as a GET, which does. */
export async function POST(request: Request) {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return see(MALFORMED);
  const text = await request.text();
  const raw = text.length <= 16 * 1024 ? paramsOf(new URLSearchParams(text)) : null;
  if (!raw || SEALED in raw) return see(MALFORMED);
  return see(`/oauth2/logout?${new URLSearchParams({ [SEALED]: sealRpLogoutParams(raw) })}`);
}
