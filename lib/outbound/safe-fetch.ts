// The one way Portico sends an HTTP request to a URL that a client or an administrator supplied
// (back-channel logout, webhooks, the SMS gateway; later jwks_uri, sector_identifier_uri). SSRF
// guard: the name is resolved by our own `lookup` on the connection itself, and every address it
// yields is checked there (address-policy.ts), so a DNS answer that changes between a check and
// the connect (rebinding) cannot reach an internal address; literal addresses are checked before
// connecting and the connected socket's peer address once more. No redirects (a 3xx is a failure),
// a timeout over the whole exchange, and a cap on the response size.
import dns from "node:dns";
import type net from "node:net";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { config } from "@/lib/config";
import { DomainError } from "@/lib/errors";
import { refusedAddressReason, refusedHostReason, type AddressPolicy } from "./address-policy";

export type OutboundRequestErrorCode =
  | "outbound.invalid_url"
  | "outbound.forbidden_address"
  | "outbound.redirect_refused"
  | "outbound.response_too_large"
  | "outbound.timeout"
  | "outbound.network";

/** A request that failed; `permanent` when sending it again cannot help. */
export class OutboundRequestError extends DomainError<OutboundRequestErrorCode> {
  override readonly name = "OutboundRequestError";
  constructor(
    code: OutboundRequestErrorCode,
    message: string,
    readonly permanent: boolean,
    readonly status?: number,
  ) {
    super(code, message);
  }
}

/** Resolves a name to every address it has (dns.lookup's `all: true` shape). */
export type Resolver = (hostname: string, family: number) => Promise<dns.LookupAddress[]>;

const systemResolver: Resolver = (hostname, family) => dns.promises.lookup(hostname, { all: true, family, order: "verbatim" });

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;

export interface SafeFetchOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Default: OUTBOUND_ALLOW_LOOPBACK / OUTBOUND_ALLOW_PRIVATE from the configuration. */
  policy?: AddressPolicy;
  /** Tests inject names that resolve where they choose; default: the system resolver. */
  resolver?: Resolver;
}

export interface SafeRequest {
  /** PUT, PATCH and DELETE for SCIM provisioning (RFC 7644 §3.5, §3.6); the guard is the same for every method. */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  body?: string;
}

export interface SafeResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The response body as text (at most maxResponseBytes). */
  body: string;
}

export function configuredPolicy(): AddressPolicy {
  const c = config();
  return { allowLoopback: c.OUTBOUND_ALLOW_LOOPBACK, allowPrivate: c.OUTBOUND_ALLOW_PRIVATE };
}

/** A net/tls `lookup` that refuses the whole name when any of its addresses is not allowed. */
export function guardedLookup(policy: AddressPolicy, resolver: Resolver = systemResolver): net.LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname, options.family === 4 || options.family === 6 ? options.family : 0).then(
      (addresses) => {
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
        for (const a of addresses) {
          const reason = refusedAddressReason(a.address, policy);
          if (reason) return callback(new OutboundRequestError("outbound.forbidden_address", `${hostname} resolves to a ${reason}`, true), []);
        }
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (e: NodeJS.ErrnoException) => callback(e, []),
    );
  };
}

function guardedAgent(policy: AddressPolicy, resolver: Resolver | undefined, timeoutMs: number): Agent {
  const connect = buildConnector({ lookup: guardedLookup(policy, resolver), timeout: timeoutMs });
  return new Agent({
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4000,
    connect(opts, callback) {
      connect(opts, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error("no socket"), null);
        // Belt and braces: whatever path led here, the peer we are connected to must be allowed.
        const reason = socket.remoteAddress ? refusedAddressReason(socket.remoteAddress, policy) : "unknown peer address";
        if (reason) {
          socket.destroy();
          return callback(new OutboundRequestError("outbound.forbidden_address", `connected to a ${reason}`, true), null);
        }
        callback(null, socket);
      });
    },
  });
}

// One pooled agent per policy (kept-alive connections were checked when they were opened).
const agents = new Map<string, Agent>();
function pooledAgent(policy: AddressPolicy): Agent {
  const key = `${policy.allowLoopback}:${policy.allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = guardedAgent(policy, undefined, DEFAULT_TIMEOUT_MS)));
  return agent;
}

/** The URL, if it is one Portico may call at all (http(s), no credentials, an allowed host). */
export function checkOutboundUrl(raw: string, policy: AddressPolicy = configuredPolicy()): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRequestError("outbound.invalid_url", "not a URL", true);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) {
    throw new OutboundRequestError("outbound.invalid_url", "outbound URLs must be http(s), without credentials", true);
  }
  const reason = refusedHostReason(url.hostname, policy);
  if (reason) throw new OutboundRequestError("outbound.forbidden_address", `refusing to call a ${reason}`, true);
  return url;
}

function causeChain(e: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let c: unknown = e; c && chain.length < 5; c = (c as { cause?: unknown }).cause) chain.push(c);
  return chain;
}

function asRequestError(e: unknown, timeoutMs: number): OutboundRequestError {
  const chain = causeChain(e);
  const own = chain.find((c): c is OutboundRequestError => c instanceof OutboundRequestError);
  if (own) return own;
  if (chain.some((c) => (c as Error).name === "TimeoutError" || (c as { code?: string }).code === "UND_ERR_CONNECT_TIMEOUT" || (c as { code?: string }).code === "UND_ERR_HEADERS_TIMEOUT" || (c as { code?: string }).code === "UND_ERR_BODY_TIMEOUT")) {
    return new OutboundRequestError("outbound.timeout", `timed out after ${timeoutMs} ms`, false);
  }
  const detail = chain
    .map((c) => (c as { code?: string }).code ?? (c as Error).message)
    .filter(Boolean)
    .join(": ");
  return new OutboundRequestError("outbound.network", `request failed: ${detail}`, false);
}

/** A body read no further than `max` bytes: the bytes, or null as soon as it passes them (the rest is cancelled). */
export async function readUpTo(body: ReadableStream<Uint8Array>, max: number): Promise<Buffer | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const tooLarge = () => new OutboundRequestError("outbound.response_too_large", `response larger than ${max} bytes`, true);
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body.cancel().catch(() => {});
    throw tooLarge();
  }
  const body = await readUpTo(res.body, max);
  if (!body) throw tooLarge();
  return body.toString("utf8");
}

/**
 * Sends one request under the SSRF guard and reads the answer (capped). Resolves for any non-3xx
 * status (the caller decides what a 4xx/5xx means); rejects with OutboundRequestError otherwise.
 */
export async function safeFetch(rawUrl: string, req: SafeRequest, opts: SafeFetchOptions = {}): Promise<SafeResponse> {
  const policy = opts.policy ?? configuredPolicy();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = checkOutboundUrl(rawUrl, policy);
  const signal = AbortSignal.timeout(timeoutMs);
  // A test's own resolver gets a one-off agent, closed afterwards.
  const ownAgent = opts.resolver ? guardedAgent(policy, opts.resolver, timeoutMs) : undefined;
  try {
    const res = (await undiciFetch(url, {
      method: req.method,
      headers: { "user-agent": "Portico", ...req.headers },
      // A GET or DELETE carries no body (RFC 9110 §9.3.1, §9.3.5: it has no defined meaning).
      body: req.method === "GET" || req.method === "DELETE" ? undefined : req.body,
      redirect: "manual",
      signal,
      dispatcher: ownAgent ?? pooledAgent(policy),
    })) as unknown as Response;
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      throw new OutboundRequestError("outbound.redirect_refused", `HTTP ${res.status}: redirects are not followed`, true, res.status);
    }
    const body = await readCapped(res, opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    return { status: res.status, statusText: res.statusText, headers: res.headers, body };
  } catch (e) {
    throw asRequestError(e, timeoutMs);
  } finally {
    if (ownAgent) void ownAgent.close().catch(() => {});
  }
}
