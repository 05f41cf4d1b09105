// Every request to an upstream goes through safeFetch (the SSRF guard: no redirects, a timeout, a
// size cap). Failures become FederationErrors written for the person; neither the request (it
// carries codes, verifiers, secrets and tokens) nor the upstream's body is ever put in a message.
import "server-only";
import { OutboundRequestError, safeFetch, type SafeResponse } from "@/lib/outbound";
import { FederationError } from "../federation.errors";

export const UPSTREAM_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 256 * 1024;

export interface UpstreamRequest {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  /** A form body (application/x-www-form-urlencoded). */
  form?: URLSearchParams;
}

/** Sends one request; network failures and the guard's refusals are `upstream_unreachable`. */
export async function upstreamFetch(url: string, req: UpstreamRequest, upstreamName: string): Promise<SafeResponse> {
  try {
    return await safeFetch(
      url,
      {
        method: req.method,
        headers: { "user-agent": "Portico", ...(req.form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...req.headers },
        body: req.form?.toString(),
      },
      { timeoutMs: UPSTREAM_TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES },
    );
  } catch (e) {
    if (e instanceof OutboundRequestError && (e.code === "outbound.redirect_refused" || e.code === "outbound.response_too_large")) {
      throw new FederationError("invalid_response", `${upstreamName} gave an answer Portico cannot use.`);
    }
    throw new FederationError("upstream_unreachable", `${upstreamName} could not be reached. Try again in a moment.`);
  }
}

/** The body as a JSON object, or `invalid_response`. */
export function jsonObject(res: SafeResponse, upstreamName: string): Record<string, unknown> {
  const value = parseJson(res.body);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidResponse(upstreamName);
  return value as Record<string, unknown>;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function invalidResponse(upstreamName: string): FederationError {
  return new FederationError("invalid_response", `${upstreamName} gave an answer Portico cannot use.`);
}

/** An OAuth error code as a detail: RFC 6749 §5.2's character set, bounded. */
export function errorCode(v: unknown): string | undefined {
  return typeof v === "string" && /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,100}$/.test(v) ? v : undefined;
}
