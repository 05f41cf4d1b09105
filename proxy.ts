// Security headers on every response (docs/architecture.md, "Security"): a per-request CSP nonce for scripts,
// frame-ancestors 'none' (no clickjacking of login pages), HSTS on https, strict referrer and permissions.
import { NextResponse, type NextRequest } from "next/server";
import { CLIENT_IP_HEADER, SERVER_MARKER_HEADER, cameThroughServer } from "@/lib/http/server-marker";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Protocol endpoints are called by servers and native apps (no Origin, no ambient cookies); each
// authenticates its caller itself.
const MACHINE_PATHS = /^\/(api|oauth2|scim|\.well-known)\//;
// A SAML identity provider (Bindings §3.5) or a form_post OpenID provider posts its answer from its
// own site: the callback's POST names the request it answers by its RelayState or state, and the
// browser is checked when it comes back by GET, so a foreign Origin is expected here and nowhere else.
const SAML_CALLBACK = /^\/federation\/[a-z0-9-]{1,64}\/callback$/;

/**
 * CSRF defence in depth for forms and server actions: a state-changing request must carry an Origin
 * header naming this site. Next checks server actions too, but lets a missing Origin through and
 * answers a foreign one with a 500; this answers both with a clear 403 before any code runs.
 */
function crossSiteRefusal(request: NextRequest): NextResponse | null {
  const path = request.nextUrl.pathname;
  if (SAFE_METHODS.has(request.method) || MACHINE_PATHS.test(path) || (request.method === "POST" && SAML_CALLBACK.test(path))) return null;
  const origin = request.headers.get("origin");
  // The Host the browser used (nextUrl rewrites 127.0.0.1 to localhost, so it cannot be compared).
  const host = request.headers.get("host");
  const allowed = new Set(host ? [`http://${host}`, `https://${host}`] : []);
  if (process.env.PORTICO_URL) allowed.add(new URL(process.env.PORTICO_URL).origin);
  if (origin && allowed.has(origin)) return null;
  return new NextResponse("Forbidden: this form can only be submitted from this site (missing or foreign Origin header).", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

export function proxy(request: NextRequest) {
  const refused = crossSiteRefusal(request);
  if (refused) return refused;
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const https = request.nextUrl.protocol === "https:" || (process.env.PORTICO_URL ?? "").startsWith("https://");
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // The ALTCHA widget and React inject style attributes; scripts, not styles, are the XSS risk.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    // No form-action: browsers apply it to the redirects after a submission too, and a sign-in or
    // consent form legitimately ends at the application's redirect_uri on another origin.
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");

  const requestHeaders = new Headers(request.headers);
  // Not through server.mjs (next start, next dev, serverless): the client address header is the
  // client's own invention. lib/http/request-context.ts checks the marker too, for the routes this
  // proxy does not see (/oauth2/, /api/).
  if (!cameThroughServer(request.headers)) {
    requestHeaders.delete(CLIENT_IP_HEADER);
    requestHeaders.delete(SERVER_MARKER_HEADER);
  }
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on form posts, which the
  // CSRF check must refuse; nothing (tokens in URLs included) is sent to other origins either way.
  response.headers.set("Referrer-Policy", "same-origin");
  response.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), publickey-credentials-get=(self), publickey-credentials-create=(self)");
  response.headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (https) response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  return response;
}

// Protocol endpoints (JSON for machines, redirects) skip the proxy: it cost more than the endpoints'
// own work (bench/RESULTS.md), and they need neither a CSP nonce nor the form Origin check.
export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|oauth2/|\\.well-known/|api/).*)" }],
};
