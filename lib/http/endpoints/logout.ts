// End-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2: GET and POST). Thin: parse,
// ask lib/oidc, then sign out, ask the user, or show an error (never redirecting on one).
// The session comes from the request's own Cookie header and is cleared by a Set-Cookie header in
// the answer, as at the authorization endpoint: no framework request scope is needed.
import "server-only";
import { completeRpLogout, OAuthError, openRpLogoutParams, postLogoutRedirect, sealRpLogoutParams, sealRpLogoutRequest, validateRpLogout } from "@/lib/oidc";
import { validateSession } from "@/lib/sessions";
import { signOutDestination } from "@/lib/federation";
import { contextFromHeaders } from "../request-context";
import { singleValued } from "../oauth";
import { clearedSessionCookie, sessionTokenFromCookieHeader } from "../session-cookie";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";

/** Our own re-entry parameter (POST -> GET); never one of the protocol's. */
const SEALED = "_portico_logout";
const MALFORMED = "/logout/error?reason=malformed_request";

function see(location: string, headers: Record<string, string> = {}): EndpointResult {
  return { status: 303, headers: { Location: location, ...NO_STORE, ...headers }, body: null };
}

function paramsOf(search: URLSearchParams): Record<string, string> | null {
  try {
    return singleValued(search);
  } catch (e) {
    if (e instanceof OAuthError) return null;
    throw e;
  }
}

export async function GET(request: EndpointRequest): Promise<EndpointResult> {
  let raw = paramsOf(new URL(request.url, "http://portico.invalid").searchParams);
  if (raw && SEALED in raw) raw = Object.keys(raw).length === 1 ? openRpLogoutParams(raw[SEALED]!) : null;
  if (!raw) return see(MALFORMED);
  const sessionToken = await sessionTokenFromCookieHeader(request.headers.get("cookie"));
  const session = sessionToken ? await validateSession(sessionToken) : null;
  const outcome = await validateRpLogout(raw, session && { id: session.id, userId: session.user.id });
  switch (outcome.kind) {
    case "error":
      return see(`/logout/error?reason=${outcome.reason}`);
    case "confirm":
      return see(`/logout/confirm?request=${encodeURIComponent(sealRpLogoutRequest(outcome.request))}`);
    case "logout": {
      const ended = await completeRpLogout(sessionToken, outcome.request, contextFromHeaders(request.headers));
      // Signed in through a provider that signs out too: by way of it (lib/federation upstream-sign-out).
      const to = await signOutDestination(ended?.linkedIdentityId ?? null, postLogoutRedirect(outcome.request) ?? "/logout/done");
      return see(to, { "Set-Cookie": clearedSessionCookie() });
    }
    case "signed_out":
      return see(postLogoutRedirect(outcome.request) ?? "/logout/done");
  }
}

/** A cross-site POST carries no SameSite=Lax cookie: continue as a GET, which does. */
export async function POST(request: EndpointRequest): Promise<EndpointResult> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return see(MALFORMED);
  const text = await request.text();
  const raw = text.length <= 16 * 1024 ? paramsOf(new URLSearchParams(text)) : null;
  if (!raw || SEALED in raw) return see(MALFORMED);
  return see(`/oauth2/logout?${new URLSearchParams({ [SEALED]: sealRpLogoutParams(raw) })}`);
}
