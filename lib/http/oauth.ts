// HTTP plumbing for the OAuth/OIDC route handlers: form bodies (RFC 6749 §3.2: urlencoded, no
// repeated parameters), JSON with no-store (RFC 6749 §5.1), and typed errors to RFC 6749 §5.2 /
// RFC 6750 §3 responses. Unknown errors become a generic server_error with a correlation id.
import "server-only";
import crypto from "node:crypto";
import { OAuthError } from "@/lib/oidc";
import { NO_STORE, toResponse, type EndpointRequest, type EndpointResult } from "./endpoints/result";

/** RFC 6749 §5.1: JSON answers also carry `Pragma: no-cache` (HTTP/1.0 caches). */
const JSON_HEADERS = { "Content-Type": "application/json", ...NO_STORE, Pragma: "no-cache", "X-Content-Type-Options": "nosniff" };

export function jsonResult(body: unknown, status = 200, headers: Record<string, string> = {}): EndpointResult {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return toResponse(jsonResult(body, status, headers));
}

/** Parses an application/x-www-form-urlencoded body; a repeated parameter is an invalid_request. */
export async function readForm(request: EndpointRequest, maxBytes = 64 * 1024): Promise<Record<string, string>> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  const text = await request.text();
  if (text.length > maxBytes) throw new OAuthError("invalid_request", "the request body is too large");
  return singleValued(new URLSearchParams(text));
}

export function singleValued(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) {
    if (k in out) throw new OAuthError("invalid_request", `parameter ${k} is repeated`);
    out[k] = v;
  }
  return out;
}

export interface ErrorResponseOptions {
  basicAuthUsed?: boolean;
  bearer?: boolean;
  /** Sent with every answer of the endpoint (CORS), errors included. */
  headers?: Record<string, string>;
}

export function oauthErrorResponse(e: unknown, opts: ErrorResponseOptions = {}): Response {
  return toResponse(oauthErrorResult(e, opts));
}

export function oauthErrorResult(e: unknown, opts: ErrorResponseOptions = {}): EndpointResult {
  const always = opts.headers ?? {};
  if (e instanceof OAuthError) {
    const headers: Record<string, string> = { ...always };
    if (e.error === "invalid_client" && opts.basicAuthUsed) headers["WWW-Authenticate"] = 'Basic realm="portico"';
    if (opts.bearer) {
      // RFC 6750 §3.1: a request with no token at all gets the bare challenge, without an error code.
      const noToken = e.status === 401 && e.error === "invalid_request";
      headers["WWW-Authenticate"] = noToken ? 'Bearer realm="portico"' : `Bearer realm="portico", error="${e.error}", error_description="${e.description.replace(/"/g, "'")}"`;
    }
    return jsonResult({ error: e.error, error_description: e.description }, e.status, headers);
  }
  const cause = e as { code?: unknown; status?: unknown; error?: unknown; description?: unknown; message?: unknown } | null;
  // Typed errors from other domains that carry an OAuth error code (e.g. lib/applications' ClientAuthError).
  if (cause && typeof cause.error === "string" && /^[a-z_]+$/.test(cause.error)) {
    const status = typeof cause.status === "number" ? cause.status : 400;
    const headers: Record<string, string> = { ...always };
    if (opts.basicAuthUsed && cause.error === "invalid_client") headers["WWW-Authenticate"] = 'Basic realm="portico"';
    return jsonResult({ error: cause.error, error_description: String(cause.description ?? cause.message ?? "") }, status, headers);
  }
  return serverErrorResult(e, { headers: always });
}

/**
 * An unexpected error: logged with a random reference, answered as a bare server_error that quotes
 * the reference (so a support request can find the log line) and reveals nothing else.
 */
export function serverErrorResult(e: unknown, opts: { headers?: Record<string, string>; logAs?: string } = {}): EndpointResult {
  const id = crypto.randomUUID();
  console.error(`[portico] ${opts.logAs ?? "oauth endpoint error"} ${id}`, e);
  return jsonResult({ error: "server_error", error_description: `internal error (reference ${id.slice(0, 8)})` }, 500, opts.headers);
}
