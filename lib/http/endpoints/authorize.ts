// Authorization endpoint (RFC 6749 §3.1: GET and POST). Thin: parse, ask lib/oidc, translate.
// The session and the interaction binding come from the request's own Cookie header, so the fast
// path can serve it too. Only top-level navigations are answered (./navigation.ts).
import "server-only";
import crypto from "node:crypto";
import { authorize, OAuthError, type AuthorizationResponse, type AuthorizeOutcome } from "@/lib/oidc";
import { contextFromHeaders } from "../request-context";
import { singleValued } from "../oauth";
import { currentSessionFromCookieHeader } from "../session-cookie";
import { interactionBindingFromCookieHeader, interactionBindingSetCookie, newInteractionBinding } from "../interaction-cookie";
import { isBackgroundRequest } from "../navigation";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";
import { escapeHtml } from "@/lib/formats";

export async function GET(request: EndpointRequest): Promise<EndpointResult> {
  let raw: Record<string, string>;
  try {
    raw = singleValued(new URL(request.url, "http://portico.invalid").searchParams);
  } catch (e) {
    if (e instanceof OAuthError) return redirectTo("/authorize-error?reason=repeated_parameter");
    throw e;
  }
  // Nothing is read or written for a background request: it may neither resume an interaction
  // nor be answered with a code (a frame may carry a new silent request, never a resumption).
  if (isBackgroundRequest(request.headers, !raw.interaction)) return navigateInstead(request.url);
  const cookie = request.headers.get("cookie");
  const existing = interactionBindingFromCookieHeader(cookie);
  const binding = existing ?? newInteractionBinding();
  const session = await currentSessionFromCookieHeader(cookie);
  const outcome = await authorize(
    raw.interaction ? { interactionId: raw.interaction.slice(0, 64), binding } : { params: raw, binding },
    session && { id: session.id, userId: session.user.id, authTime: session.authTime, amr: session.amr },
    contextFromHeaders(request.headers),
  );
  const result = respond(outcome);
  // A stored interaction waits for this browser: give it (or renew) the binding cookie.
  if (outcome.kind === "login" || outcome.kind === "consent" || outcome.kind === "enrol_mfa" || outcome.kind === "profile") result.headers["Set-Cookie"] = interactionBindingSetCookie(binding);
  return result;
}

/**
 * The answer to a background request: no side effects, not cacheable, not 2xx (browsers discard a
 * prefetch or prerender that fails), not a React Server Component payload (Next's router then
 * falls back to a full navigation of the same URL, which is answered properly).
 */
function navigateInstead(url: string): EndpointResult {
  const { pathname, search } = new URL(url, "http://portico.invalid");
  const target = escapeHtml(pathname + search);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Continue</title></head><body><p>This address must be opened in the browser window: <a href="${target}">continue</a>.</p></body></html>`;
  return {
    status: 403,
    headers: { "Content-Type": "text/html; charset=utf-8", ...NO_STORE, Vary: "Sec-Fetch-Mode, Sec-Fetch-Dest, Sec-Purpose, RSC, Next-Router-Prefetch, Next-Router-State-Tree, Next-Url", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'" },
    body: html,
  };
}

/**
 * A cross-site form POST arrives without the SameSite=Lax session cookie, so the session would look
 * absent: re-enter as a same-site GET with the same parameters (303), which carries the cookie.
 */
export async function POST(request: EndpointRequest): Promise<EndpointResult> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim();
  const body = type === "application/x-www-form-urlencoded" ? await request.text() : null;
  if (body === null || body.length > 16_384) return redirectTo("/authorize-error?reason=malformed_request");
  return { status: 303, headers: { Location: `/oauth2/authorize?${new URLSearchParams(body)}`, ...NO_STORE }, body: null };
}

function respond(outcome: AuthorizeOutcome): EndpointResult {
  switch (outcome.kind) {
    case "error_page":
      return redirectTo(`/authorize-error?reason=${encodeURIComponent(outcome.reason)}`);
    case "login": {
      const next = `/oauth2/authorize?interaction=${outcome.interactionId}`;
      const q = new URLSearchParams({ next });
      if (outcome.force) q.set("force", "1");
      if (outcome.loginHint) q.set("email", outcome.loginHint);
      return redirectTo(`/login?${q}`);
    }
    case "consent":
      return redirectTo(`/consent?interaction=${outcome.interactionId}`);
    case "profile":
      return redirectTo(`/login/profile?interaction=${outcome.interactionId}`);
    case "enrol_mfa": {
      const q = new URLSearchParams({ next: `/oauth2/authorize?interaction=${outcome.interactionId}`, mfa: outcome.required ? "required" : "offer" });
      return redirectTo(`/account/security?${q}`);
    }
    case "respond":
      return outcome.response.mode === "form_post" ? formPost(outcome.response) : queryRedirect(outcome.response);
  }
}

function redirectTo(location: string): EndpointResult {
  return { status: 302, headers: { Location: location, ...NO_STORE }, body: null };
}

function queryRedirect(r: AuthorizationResponse): EndpointResult {
  const url = new URL(r.redirectUri);
  for (const [k, v] of Object.entries(r.params)) url.searchParams.set(k, v);
  return redirectTo(url.toString());
}


/** OAuth 2.0 Form Post Response Mode §2: an auto-submitting form; the script carries the CSP nonce. */
function formPost(r: AuthorizationResponse): EndpointResult {
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
  return { status: 200, headers: { "Content-Type": "text/html; charset=utf-8", ...NO_STORE, "Content-Security-Policy": csp }, body: html };
}
