// The errors of a JSON API called with a bearer token (RFC 6750) as RFC 9457 problem details:
// "about:blank" with the status's phrase as title, and for a token fault the RFC 6750 §3 challenge.
import "server-only";
import type { OAuthError } from "@/lib/oidc";
import { aboutBlankProblem, type EndpointResult } from "./result";

const STATUS_TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

/** RFC 9457 §4.2.1: "about:blank", the status's phrase as title; extension members beside. */
export function statusProblem(status: number, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): EndpointResult {
  return aboutBlankProblem(status, STATUS_TITLES[status] ?? "Error", detail, extra, headers);
}

/** RFC 6750 §3: no token at all gets the bare challenge; otherwise the error, and for insufficient_scope the scopes required. */
export function bearerChallenge(e: OAuthError, scopes: readonly string[]): string {
  if (e.status === 401 && e.error === "invalid_request") return 'Bearer realm="portico"';
  const base = `Bearer realm="portico", error="${e.error}", error_description="${e.description.replace(/"/g, "'")}"`;
  return e.error === "insufficient_scope" ? `${base}, scope="${scopes.join(" ")}"` : base;
}

/** A token fault: 403 for insufficient_scope, 401 otherwise, with the challenge. */
export function bearerProblem(e: OAuthError, scopes: readonly string[]): EndpointResult {
  const status = e.error === "insufficient_scope" ? 403 : 401;
  return statusProblem(status, e.description, { error: e.error }, { "WWW-Authenticate": bearerChallenge(e, scopes) });
}
