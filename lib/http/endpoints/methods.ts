// The methods a route does not serve. RFC 9110 §15.5.6: a 405 MUST carry Allow, the methods the
// resource supports; Next answers a method its route file does not export with a bare 405, and
// answers OPTIONS with every exported method. So each route file exports `otherMethods(...)` for
// the rest: a 405 with Allow (and a problem details body, RFC 9457), and an OPTIONS that lists only
// what the route serves (RFC 9110 §9.3.7). test/route-methods.test.ts checks every route file.
import "server-only";
import { NO_STORE, toResponse, type EndpointResult } from "./result";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
type Handler = (request: Request) => Promise<Response>;

/** RFC 9110 §10.2.1: what the resource supports; HEAD comes with GET, OPTIONS always. */
export function allowHeader(served: readonly HttpMethod[]): string {
  const methods = new Set<HttpMethod>([...served, "OPTIONS"]);
  if (methods.has("GET")) methods.add("HEAD");
  return HTTP_METHODS.filter((m) => methods.has(m)).join(", ");
}

/** The body of a 405: RFC 9457 §4.2.1's "about:blank" type, the status being explanation enough. */
export type MethodRefusal = (method: string, allow: string) => EndpointResult;

export const methodNotAllowed: MethodRefusal = (method, allow) => ({
  status: 405,
  headers: { "Content-Type": "application/problem+json", Allow: allow, ...NO_STORE },
  body: JSON.stringify({ type: "about:blank", title: "Method Not Allowed", status: 405, detail: `${method} is not supported here; the methods are ${allow}.` }),
});

/** Methods Next derives by itself: HEAD from GET. */
type Derived<S extends HttpMethod> = "GET" extends S ? "HEAD" : never;

/**
 * Handlers for every method a route does not serve (`served`, as its route file exports them):
 * `export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);`
 */
export function otherMethods<const S extends readonly HttpMethod[]>(
  served: S,
  refusal: MethodRefusal = methodNotAllowed,
): Record<Exclude<HttpMethod, S[number] | Derived<S[number]>>, Handler> {
  const allow = allowHeader(served);
  const handlers: Partial<Record<HttpMethod, Handler>> = {};
  for (const method of HTTP_METHODS) {
    if (served.includes(method) || (method === "HEAD" && served.includes("GET"))) continue;
    handlers[method] =
      method === "OPTIONS"
        ? async () => new Response(null, { status: 204, headers: { Allow: allow, ...NO_STORE } })
        : async () => toResponse(refusal(method, allow));
  }
  return handlers as Record<Exclude<HttpMethod, S[number] | Derived<S[number]>>, Handler>;
}
