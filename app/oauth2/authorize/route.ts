// Authorization endpoint (RFC 6749 §3.1: GET and POST). Thin: parse, ask lib/oidc, translate.
import crypto from "node:crypto";
import { authorize, type AuthorizationResponse, type AuthorizeOutcome } from "@/lib/oidc";
import { contextFromHeaders, currentSession, singleValued } from "@/lib/http";
import { OAuthError } from "@/lib/oidc";

export const dynamic = "force-dynamic";

async function handle(request: Request, params: URLSearchParams): Promise<Response> {
  let raw: Record<string, string>;
  try {
    raw = singleValued(params);
  } catch (e) {
    if (e instanceof OAuthError) return redirectTo(request, "/authorize-error?reason=repeated_parameter");
    throw e;
  }
  const session = await currentSession();
  const outcome = await authorize(
    raw.interaction ? { interactionId: raw.interaction.slice(0, 64) } : { params: raw },
    session && { id: session.id, userId: session.user.id, authTime: session.authTime, amr: session.amr },
    contextFromHeaders(request.headers),
  );
  return respond(request, outcome);
}

function respond(request: Request, outcome: AuthorizeOutcome): Response {
  switch (outcome.kind) {
    case "error_page":
      return redirectTo(request, `/authorize-error?reason=${encodeURIComponent(outcome.reason)}`);
    case "login": {
      const next = `/oauth2/authorize?interaction=${outcome.interactionId}`;
      const q = new URLSearchParams({ next });
      if (outcome.force) q.set("force", "1");
      if (outcome.loginHint) q.set("email", outcome.loginHint);
      return redirectTo(request, `/login?${q}`);
    }
    case "consent":
      return redirectTo(request, `/consent?interaction=${outcome.interactionId}`);
    case "respond":
      return outcome.response.mode === "form_post" ? formPost(outcome.response) : queryRedirect(outcome.response);
  }
}

function redirectTo(request: Request, path: string): Response {
  return new Response(null, { status: 302, headers: { Location: path, "Cache-Control": "no-store" } });
}

function queryRedirect(r: AuthorizationResponse): Response {
  const url = new URL(r.redirectUri);
  for (const [k, v] of Object.entries(r.params)) url.searchParams.set(k, v);
  return new Response(null, { status: 302, headers: { Location: url.toString(), "Cache-Control": "no-store" } });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** OAuth 2.0 Form Post Response Mode §2: an auto-submitting form; the script carries the CSP nonce. */
function formPost(r: AuthorizationResponse): Response {
  // This endpoint bypasses proxy.ts, so the page makes its own nonce and policy.
  const nonce = crypto.randomBytes(16).toString("base64");
  const inputs = Object.entries(r.params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Continuing…</title></head><body>
<form method="post" action="${escapeHtml(r.redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>
<script nonce="${escapeHtml(nonce)}">document.forms[0].submit()</script></body></html>`;
  // form-action must allow the client's origin for this one response.
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${new URL(r.redirectUri).origin}; frame-ancestors 'none'; base-uri 'none'`;
  return new Response(html, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Security-Policy": csp } });
}

export async function GET(request: Request) {
  return handle(request, new URL(request.url).searchParams);
}

/**
 * A cross-site form POST arrives without the SameSite=Lax session cookie, so the session would look
 * absent: re-enter as a same-site GET with the same parameters (303), which carries the cookie.
 */
export async function POST(request: Request) {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim();
  const body = type === "application/x-www-form-urlencoded" ? await request.text() : null;
  if (body === null || body.length > 16_384) return redirectTo(request, "/authorize-error?reason=malformed_request");
  return new Response(null, { status: 303, headers: { Location: `/oauth2/authorize?${new URLSearchParams(body)}`, "Cache-Control": "no-store" } });
}
