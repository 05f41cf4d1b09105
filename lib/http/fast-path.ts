// Serves the protocol endpoints (authorization, token, UserInfo, introspection, revocation, JWKS,
// discovery) straight from server.mjs, without Next's per-request machinery: routing,
// AsyncLocalStorage contexts and web-stream plumbing cost ~1.9 ms of CPU per request (measured in
// bench/RESULTS.md), more than the endpoints' own work. The handlers are the very functions the
// app/ route files export, so `next dev` (which has no server.mjs) answers the same way; anything
// not listed here, and any path with a trailing slash or a HEAD, still goes to Next.
//
// instrumentation.ts hands `serveProtocolRequest` to server.mjs at start: registerProtocolFastPath
// below stores it with setFastPath, server.mjs reads it with fastPath() (both ./process-handshake.mjs).
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Endpoint, EndpointRequest } from "./endpoints/result";
import { setFastPath, type FastPath } from "./process-handshake.mjs";
import * as authorization from "./endpoints/authorize";
import * as discovery from "./endpoints/discovery";
import * as introspect from "./endpoints/introspect";
import * as jwks from "./endpoints/jwks";
import * as revoke from "./endpoints/revoke";
import * as token from "./endpoints/token";
import * as userinfo from "./endpoints/userinfo";

type Methods = Partial<Record<"GET" | "POST" | "OPTIONS", Endpoint>>;

const ROUTES: Record<string, Methods> = {
  "/oauth2/authorize": authorization,
  "/oauth2/token": token,
  "/oauth2/userinfo": userinfo,
  "/oauth2/introspect": introspect,
  "/oauth2/revoke": revoke,
  "/oauth2/jwks": jwks,
  "/.well-known/openid-configuration": discovery,
  "/.well-known/oauth-authorization-server": discovery,
};

/** Far above any legitimate form body of these endpoints (readForm itself stops at 64 KiB). */
const MAX_BODY_BYTES = 256 * 1024;

export type { FastPath };

/** The handler for this request, or undefined when Next should serve it. */
export function protocolHandlerFor(method: string | undefined, url: string | undefined): Endpoint | undefined {
  if (!method || !url) return undefined;
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const methods = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  return methods?.[method as keyof Methods];
}

/** Takes the request when it is one of ROUTES (returns true), else leaves it alone (false). */
export const serveProtocolRequest: FastPath = (req, res) => {
  const handler = protocolHandlerFor(req.method, req.url);
  if (!handler) return false;
  void respond(handler, req, res);
  return true;
};

async function respond(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = req.method === "GET" || req.method === "OPTIONS" ? "" : await readBody(req);
    if (body === null) return send(res, 413, { error: "invalid_request", error_description: "the request body is too large" });
    const result = await endpoint(lightRequest(req, body));
    // An explicit length lets Node send head and body in one write instead of chunked framing
    // (the socket write was a third of these endpoints' CPU in the profile).
    res.writeHead(result.status, { ...result.headers, "Content-Length": result.body === null ? 0 : Buffer.byteLength(result.body) });
    res.end(result.body ?? undefined);
  } catch (e) {
    // The endpoints map their own errors; this is only for a failure of the plumbing itself.
    console.error("[portico] protocol endpoint failed", e);
    if (!res.headersSent) send(res, 500, { error: "server_error", error_description: "internal error" });
    else res.destroy();
  }
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

/** The whole body as UTF-8 text, or null past MAX_BODY_BYTES (the rest is not read). */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * What the endpoints read, straight off Node's request. req.headers (not rawHeaders): server.mjs
 * has already replaced the client-address headers there. Names are lower-case in Node, repeated
 * headers joined as the Fetch standard's Headers.get joins them.
 */
function lightRequest(req: IncomingMessage, body: string): EndpointRequest {
  return {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: {
      get(name) {
        const value = req.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    text: async () => body,
  };
}

/** Called once at start (instrumentation.ts). */
export function registerProtocolFastPath(): void {
  setFastPath(serveProtocolRequest);
}
