// The shape protocol endpoints speak, independent of the framework that carries them: Next's route
// handlers (app/) wrap it in a web Response; server.mjs's fast path (../fast-path.ts) writes it
// to the socket directly, without building Request/Response objects (their streams and abort
// signals cost more than an introspection call itself).
import "server-only";

/** RFC 9111 §5.2.2.5: no cache keeps a protocol answer. The one definition every endpoint uses. */
export const NO_STORE = { "Cache-Control": "no-store" } as const;

/** What a protocol endpoint reads of a request. A web Request satisfies it. */
export interface EndpointRequest {
  readonly method: string;
  /** Absolute (Next) or origin-relative (fast path): read only its path and query. */
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** A protocol endpoint's answer. */
export interface EndpointResult {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

export type Endpoint = (request: EndpointRequest) => EndpointResult | Promise<EndpointResult>;

export function toResponse(result: EndpointResult): Response {
  return new Response(result.body, { status: result.status, headers: result.headers });
}

/** A Next route handler serving an endpoint. */
export function nextRoute(endpoint: Endpoint): (request: Request) => Promise<Response> {
  return async (request) => toResponse(await endpoint(request));
}

/**
 * RFC 9457 §4.2.1: a problem of type "about:blank", titled by its status (the title is the status'
 * own phrase); the detail says what to do. `extra` adds members (a field's errors, an OAuth error).
 */
export function aboutBlankProblem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): EndpointResult {
  return {
    status,
    headers: { "Content-Type": "application/problem+json", "X-Content-Type-Options": "nosniff", ...NO_STORE, ...headers },
    body: JSON.stringify({ type: "about:blank", title, status, detail, ...extra }),
  };
}
