// End-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2: GET and POST). Thin: parse,
// ask lib/oidc, then sign out, ask the user, or show an error (never redirecting on one).
import { completeRpLogout, OAuthError, postLogoutRedirect, sealRpLogoutRequest, validateRpLogout } from "@/lib/oidc";
import { clearSessionCookie, contextFromHeaders, currentSession, sessionTokenFromCookie, singleValued } from "@/lib/http";

export const dynamic = "force-dynamic";

function see(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

async function handle(request: Request, params: URLSearchParams): Promise<Response> {
  let raw: Record<string, string>;
  try {
    raw = singleValued(params);
  } catch (e) {
    if (e instanceof OAuthError) return see("/oauth2/logout/error?reason=malformed_request");
    throw e;
  }
  const session = await currentSession();
  const outcome = await validateRpLogout(raw, session && { id: session.id, userId: session.user.id });
  switch (outcome.kind) {
    case "error":
      return see(`/oauth2/logout/error?reason=${outcome.reason}`);
    case "confirm":
      return see(`/oauth2/logout/confirm?request=${encodeURIComponent(sealRpLogoutRequest(outcome.request))}`);
    case "logout":
      await completeRpLogout(await sessionTokenFromCookie(), outcome.request, contextFromHeaders(request.headers));
      await clearSessionCookie();
      return see(postLogoutRedirect(outcome.request) ?? "/oauth2/logout/done");
    case "signed_out":
      return see(postLogoutRedirect(outcome.request) ?? "/oauth2/logout/done");
  }
}

export async function GET(request: Request) {
  return handle(request, new URL(request.url).searchParams);
}

export async function POST(request: Request) {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return see("/oauth2/logout/error?reason=malformed_request");
  const text = await request.text();
  if (text.length > 64 * 1024) return see("/oauth2/logout/error?reason=malformed_request");
  return handle(request, new URLSearchParams(text));
}
