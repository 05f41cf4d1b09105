// The consent API's plumbing: every answer JSON, every error an RFC 7807 problem details object
// (application/problem+json: type, title, status, detail; §3.1), authentication an OAuth 2 bearer
// token (RFC 6750) whose subject is the user the application acts for. A missing, invalid or
// insufficient token is a problem too, with the RFC 6750 §3 WWW-Authenticate challenge beside it.
// Each resource (purposes.ts, consents.ts, receipts.ts, preferences.ts) declares its operations with `operation`.
import "server-only";
import crypto from "node:crypto";
import { ConsentError, type ConsentErrorCode } from "@/lib/consents";
import { PreferenceError, type PreferenceErrorCode } from "@/lib/preferences";
import { authenticateBearer, bearerToken, issuer, OAuthError, type BearerPrincipal } from "@/lib/oidc";
import { otherMethods as routeOtherMethods, type HttpMethod } from "../methods";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "../result";

export const API_BASE = "/api/consent/v1";

/**
 * The problem types this API answers with (each `type` is `${issuer}${API_BASE}/problems/<name>`,
 * which serves `explanation` as the type's documentation: problems.ts).
 */
export const PROBLEM_TYPES = {
  "unauthorized": { status: 401, title: "An access token is required", explanation: "The request carried no access token. Send one in the Authorization header as `Bearer <token>` (RFC 6750 §2.1); the form-body and query-string methods are not accepted." },
  "invalid-token": { status: 401, title: "The access token is invalid, expired or revoked", explanation: "The token is not one Portico issued, has expired, was revoked, or belongs to an application that is disabled. Obtain a new token (refresh it, or run the authorization again)." },
  "insufficient-scope": { status: 403, title: "The access token lacks a required scope", explanation: "The token is valid but was not granted the scope this operation needs. The WWW-Authenticate header names it (consent:read for reading, consent:write for changes); request it in the authorization." },
  "malformed-request": { status: 400, title: "The request is malformed", explanation: "The body is not valid JSON, is larger than 16 KiB, or does not match the operation's schema, or the path does not decode. The detail names each field at fault; nothing was changed." },
  "unsupported-media-type": { status: 415, title: "The body must be application/json", explanation: "Send writes with `Content-Type: application/json`. Nothing was changed." },
  "unknown-purpose": { status: 422, title: "There is no such purpose", explanation: "The body names a purpose key that does not exist or is retired. List the purposes (GET /purposes) for the keys in use. Nothing was changed." },
  "purpose-not-found": { status: 404, title: "There is no such purpose", explanation: "The path names a purpose key that does not exist or is retired. List the purposes (GET /purposes) for the keys in use." },
  "unknown-version": { status: 422, title: "The purpose has no such version", explanation: "The body names a version of the purpose's text that was never published. Record consent to the version the person was shown; GET /purposes gives the current one. Nothing was changed." },
  "not-consent-based": { status: 409, title: "The purpose is not based on consent", explanation: "The purpose's legal basis is not consent (GDPR art. 6(1)(b) to (f)), so there is no consent to give or withdraw. Nothing was changed." },
  "receipt-not-found": { status: 404, title: "There is no such receipt", explanation: "No consent receipt with that id belongs to the user the token acts for." },
  "unknown-topic": { status: 422, title: "There is no such topic", explanation: "A preference change names a communication topic that does not exist. GET /preferences lists the topics. Nothing was changed." },
  "unknown-channel": { status: 422, title: "There is no such channel", explanation: "A preference change names a channel other than email, sms or push. Nothing was changed." },
  "channel-not-offered": { status: 422, title: "The topic is not sent by that channel", explanation: "The topic exists but is not sent through that channel, so there is no choice to make for it. GET /preferences lists each topic's channels. Nothing was changed." },
  "account-unavailable": { status: 403, title: "The user's account is not available", explanation: "The user the token acts for has closed their account (it is awaiting erasure) or no longer exists. Nothing was changed." },
  "not-found": { status: 404, title: "No such resource", explanation: "The path is not part of this API. The OpenAPI description (/openapi.json) lists every path." },
  "method-not-allowed": { status: 405, title: "Method not allowed", explanation: "The path exists but does not answer this HTTP method. The Allow header and the OpenAPI description list the methods it answers." },
  "server-error": { status: 500, title: "Internal error", explanation: "Portico failed to handle the request. The detail carries a reference that the operator finds in the server log. Retrying later may succeed." },
} as const satisfies Record<string, { status: number; title: string; explanation: string }>;
export type ProblemType = keyof typeof PROBLEM_TYPES;

export function problemTypeUri(type: ProblemType): string {
  return `${issuer()}${API_BASE}/problems/${type}`;
}

const JSON_HEADERS = { "Content-Type": "application/json", ...NO_STORE, "X-Content-Type-Options": "nosniff" };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): EndpointResult {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function problem(type: ProblemType, detail: string, headers: Record<string, string> = {}, status: number = PROBLEM_TYPES[type].status): EndpointResult {
  return {
    status,
    headers: { "Content-Type": "application/problem+json", ...NO_STORE, "X-Content-Type-Options": "nosniff", ...headers },
    body: JSON.stringify({ type: problemTypeUri(type), title: PROBLEM_TYPES[type].title, status, detail }),
  };
}

/** A body the schema refused: every issue, with the path it is about. */
export function malformedBody(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ApiProblem {
  return new ApiProblem("malformed-request", issues.map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`).join("; "));
}

/** A request the API refuses before or while handling it (bad body, bad path). */
export class ApiProblem extends Error {
  constructor(
    readonly type: ProblemType,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const CONSENT_PROBLEMS: Record<ConsentErrorCode, ProblemType> = {
  invalid_input: "malformed-request",
  unknown_purpose: "unknown-purpose",
  unknown_version: "unknown-version",
  duplicate_key: "malformed-request",
  not_consent_based: "not-consent-based",
  // Thrown by the registration form and the console only, never by an API operation.
  version_changed: "unknown-version",
  consents_stand: "malformed-request",
  account_unavailable: "account-unavailable",
  receipt_not_found: "receipt-not-found",
};

const PREFERENCE_PROBLEMS: Record<PreferenceErrorCode, ProblemType> = {
  not_found: "account-unavailable",
  unknown_topic: "unknown-topic",
  unknown_channel: "unknown-channel",
  channel_not_offered: "channel-not-offered",
  topic_exists: "malformed-request",
  invalid_input: "malformed-request",
};

function challenge(e: OAuthError): string {
  // RFC 6750 §3.1: no token at all gets the bare challenge; otherwise the error and, for insufficient_scope, the scope needed.
  if (e.status === 401 && e.error === "invalid_request") return 'Bearer realm="portico"';
  return `Bearer realm="portico", error="${e.error}", error_description="${e.description.replace(/"/g, "'")}"`;
}

export function errorResult(e: unknown, scopes: readonly string[] = []): EndpointResult {
  if (e instanceof ApiProblem) return problem(e.type, e.detail);
  if (e instanceof OAuthError) {
    const type: ProblemType = e.error === "insufficient_scope" ? "insufficient-scope" : e.error === "invalid_request" && e.status === 401 ? "unauthorized" : e.error === "invalid_request" ? "malformed-request" : "invalid-token";
    const header = challenge(e) + (e.error === "insufficient_scope" && scopes.length ? `, scope="${scopes.join(" ")}"` : "");
    return problem(type, e.description, { "WWW-Authenticate": header });
  }
  if (e instanceof ConsentError) return problem(CONSENT_PROBLEMS[e.code], e.message);
  if (e instanceof PreferenceError) return problem(PREFERENCE_PROBLEMS[e.code], e.message);
  const id = crypto.randomUUID();
  console.error(`[portico] consent API error ${id}`, e);
  return problem("server-error", `internal error (reference ${id.slice(0, 8)})`);
}

/** The JSON body of a write, at most 16 KiB; anything else is a problem. */
export async function readJson(request: EndpointRequest): Promise<unknown> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") throw new ApiProblem("unsupported-media-type", "send the body as application/json");
  const text = await request.text();
  if (text.length > 16 * 1024) throw new ApiProblem("malformed-request", "the body is larger than 16 KiB");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiProblem("malformed-request", "the body is not valid JSON");
  }
}

/** The last segment of the request's path (the `{purpose}` or `{id}` of a route), decoded; a problem when it does not decode. */
export function lastPathSegment(request: EndpointRequest): string {
  const path = new URL(request.url, "http://portico.invalid").pathname;
  try {
    return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
  } catch {
    throw new ApiProblem("malformed-request", "the path does not decode");
  }
}

export interface Operation {
  /** Scopes the token must hold; none: a public operation (no token read). */
  scopes: readonly string[];
  handle: (request: EndpointRequest, principal: BearerPrincipal | null) => Promise<EndpointResult>;
}

/** One operation: authenticates (when it needs scopes) and answers every failure as a problem. */
export function operation(op: Operation): (request: EndpointRequest) => Promise<EndpointResult> {
  return async (request) => {
    try {
      // RFC 6750 §2.1 only: the form-body and query methods are not offered by a JSON API.
      const principal = op.scopes.length ? await authenticateBearer(bearerToken(request.headers.get("authorization")), op.scopes) : null;
      return await op.handle(request, principal);
    } catch (e) {
      return errorResult(e, op.scopes);
    }
  };
}

/** The methods a consent API route does not serve: the method-not-allowed problem, with Allow (RFC 9110 §15.5.6). */
export function otherMethods<const S extends readonly HttpMethod[]>(served: S) {
  return routeOtherMethods(served, (method, allow) => problem("method-not-allowed", `${method} is not supported here; the methods are ${allow}.`, { Allow: allow }));
}
