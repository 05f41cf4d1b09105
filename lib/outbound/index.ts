// Outbound HTTP POSTs through an outbox table (back-channel logout tokens today, webhooks later),
// each sent by safeFetch (safe-fetch.ts: SSRF guard at connect time, no redirects, size cap).
// enqueueHttpDelivery only writes a row (inside the caller's transaction when given); a worker
// delivers due rows: 2xx is delivered, anything else is retried with exponential backoff up to a
// per-kind number of attempts. Errors are stored on the row and logged (never the body: it holds
// tokens), never thrown to the code that asked for the delivery. Redirects are not followed.
import "server-only";
import { isUuid } from "@/lib/formats";
import { processSingleton } from "@/lib/process";
import type { Tx } from "@/lib/db";
import {
  claimDueHttpDeliveries,
  findHttpDelivery,
  insertHttpDelivery,
  listHttpDeliveries,
  markHttpAttemptFailed,
  markHttpDelivered,
  type HttpDelivery,
} from "./outbound.repo";
import { OutboundError } from "./outbound.errors";
import { OutboundRequestError, safeFetch, type SafeFetchOptions, type SafeResponse } from "./safe-fetch";

export { OutboundError, type OutboundErrorCode } from "./outbound.errors";
export { OutboundRequestError, checkOutboundUrl, safeFetch, type OutboundRequestErrorCode, type Resolver, type SafeFetchOptions, type SafeResponse } from "./safe-fetch";
export { classifyAddress, refusedHostReason, type AddressClass, type AddressPolicy } from "./address-policy";
export type { HttpDelivery };

/** Longest a single request may take (connect, send, response headers). */
export const REQUEST_TIMEOUT_MS = 10_000;
const MAX_BODY_CHARS = 64 * 1024;
const POLL_INTERVAL_MS = 2000;
const DEFAULT_BATCH = 10;

export interface RetryPolicy {
  /** Wait after the first failure; doubled after each further one. */
  baseSeconds: number;
  maxBackoffSeconds: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseSeconds: 30, maxBackoffSeconds: 3600, maxAttempts: 8 };

/**
 * Kinds whose payload goes stale. A logout token should expire within two minutes (Back-Channel
 * Logout 1.0 §4), so its retries are packed into that window: waits of 2+4+8+16+32 s, plus at
 * most 10 s per request, end about when the token does. Later attempts could only be refused.
 */
const RETRY_POLICIES: Record<string, RetryPolicy> = {
  backchannel_logout: { baseSeconds: 2, maxBackoffSeconds: 60, maxAttempts: 6 },
  // Signed when queued (Standard Webhooks): retries stay within a receiver's 5-minute timestamp tolerance.
  risk_alert: { baseSeconds: 5, maxBackoffSeconds: 60, maxAttempts: 6 },
};

export function retryPolicyFor(kind: string): RetryPolicy {
  return RETRY_POLICIES[kind] ?? DEFAULT_RETRY_POLICY;
}

/** Seconds to wait after the `attempts`-th failure (1-based): base * 2^(attempts-1), capped. */
export function httpRetryDelaySeconds(attempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  return Math.min(policy.baseSeconds * 2 ** Math.max(0, attempts - 1), policy.maxBackoffSeconds);
}

export interface HttpDeliveryRequest {
  /** What the delivery is for (e.g. "backchannel_logout"); selects the retry policy. */
  kind: string;
  url: string;
  contentType: string;
  body: string;
  /** Extra headers (a signature); names are tokens, values printable ASCII. */
  headers?: Record<string, string>;
}

function assertRequest(req: HttpDeliveryRequest): void {
  if (!/^[a-z0-9_.-]{1,32}$/.test(req.kind)) throw new OutboundError("outbound.invalid_kind", "invalid delivery kind");
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new OutboundError("outbound.invalid_url", "invalid delivery URL");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || req.url.length > 2000 || url.username || url.password) {
    throw new OutboundError("outbound.invalid_url", "delivery URLs must be http(s), without credentials");
  }
  if (!/^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(req.contentType)) throw new OutboundError("outbound.invalid_content_type", "invalid content type");
  if (req.body.length > MAX_BODY_CHARS) throw new OutboundError("outbound.body_too_large", "delivery body too large");
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(name) || !/^[\x20-\x7e]{0,1000}$/.test(value)) throw new OutboundError("outbound.invalid_header", "invalid delivery header");
  }
}

/**
 * Queues a POST. With `tx` the row is part of the caller's transaction: call kickHttpWorker()
 * after it commits for immediate delivery (otherwise the next poll sends it).
 */
export async function enqueueHttpDelivery(req: HttpDeliveryRequest, tx?: Tx): Promise<{ id: string }> {
  assertRequest(req);
  const row = await insertHttpDelivery({ kind: req.kind, url: req.url, contentType: req.contentType, body: req.body, headers: req.headers ?? null }, tx);
  if (!tx) kickHttpWorker();
  return row;
}

export interface DeliverHttpOptions {
  limit?: number;
  timeoutMs?: number;
  /** Tests inject a resolver or a policy; default: the system resolver and the configured policy. */
  fetchOptions?: Omit<SafeFetchOptions, "timeoutMs">;
}

class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/**
 * A status the receiver will answer the same way next time: a client error other than timeout
 * (408), too early (425) and rate limiting (429); and a redirect, which we never follow (the
 * registered URL is the one that must answer, and a POST is not replayed elsewhere).
 */
function isPermanentStatus(status: number): boolean {
  if (status >= 300 && status < 400) return true;
  return status >= 400 && status < 500 && ![408, 425, 429].includes(status);
}

async function post(d: HttpDelivery, opts: SafeFetchOptions): Promise<void> {
  let res: SafeResponse;
  try {
    res = await safeFetch(
      d.url,
      { method: "POST", headers: { ...((d.headers as Record<string, string> | null) ?? {}), "content-type": d.contentType, accept: "*/*" }, body: d.body },
      // The response body is of no interest: a small cap is enough.
      { maxResponseBytes: 16 * 1024, ...opts },
    );
  } catch (e) {
    if (e instanceof OutboundRequestError) throw new DeliveryFailure(e.message, e.permanent);
    throw e;
  }
  if (res.status >= 200 && res.status < 300) return;
  throw new DeliveryFailure(`HTTP ${res.status}${res.statusText ? " " + res.statusText : ""}`, isPermanentStatus(res.status));
}

/** One delivery pass: claims due deliveries and sends them in parallel. Safe to run concurrently anywhere. */
export async function deliverDueHttp(opts: DeliverHttpOptions = {}): Promise<{ delivered: number; failed: number }> {
  const limit = Math.max(1, Math.min(opts.limit ?? DEFAULT_BATCH, 100));
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  // The batch runs in parallel, so the lease must outlast one request at worst, with a margin.
  const claimed = await claimDueHttpDeliveries(limit, 60 + Math.ceil(timeoutMs / 1000));
  const results = await Promise.all(
    claimed.map(async (d) => {
      const policy = retryPolicyFor(d.kind);
      try {
        await post(d, { ...opts.fetchOptions, timeoutMs });
      } catch (e) {
        const attempts = d.attempts + 1;
        const permanent = e instanceof DeliveryFailure && e.permanent;
        const error = e instanceof Error ? e.message : String(e);
        let host = "?";
        try {
          host = new URL(d.url).host;
        } catch {}
        console.warn(`[outbound] ${d.kind} delivery ${d.id} to ${host} failed, attempt ${attempts}/${policy.maxAttempts}${permanent ? ", permanent" : ""}: ${error.slice(0, 300)}`);
        await markHttpAttemptFailed(d.id, { error, retryInSeconds: httpRetryDelaySeconds(attempts, policy), maxAttempts: policy.maxAttempts, permanent });
        return false;
      }
      // Outside the try: a failed status update after a successful POST must not count as a failure.
      await markHttpDelivered(d.id);
      return true;
    }),
  );
  const delivered = results.filter(Boolean).length;
  return { delivered, failed: results.length - delivered };
}

// --- background worker: one per process, shared by every bundle Next.js loads this module into.

interface Worker {
  timer?: NodeJS.Timeout;
  running: boolean;
  again: boolean;
}
const holder = processSingleton("outbound.worker", () => ({ worker: undefined as Worker | undefined }));

async function runPasses(w: Worker, kicked: boolean): Promise<void> {
  if (w.running) {
    if (kicked) w.again = true;
    return;
  }
  w.running = true;
  try {
    do {
      w.again = false;
      let full = true;
      while (full) {
        const r = await deliverDueHttp({ limit: DEFAULT_BATCH });
        full = r.delivered + r.failed >= DEFAULT_BATCH;
      }
    } while (w.again);
  } catch (e) {
    console.warn(`[outbound] delivery pass failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    w.running = false;
  }
}

/** Starts polling for due deliveries every 2 s. Idempotent per process. */
export function startHttpWorker(opts: { intervalMs?: number } = {}): void {
  if (holder.worker) return;
  const w: Worker = { running: false, again: false };
  w.timer = setInterval(() => void runPasses(w, false), opts.intervalMs ?? POLL_INTERVAL_MS).unref();
  holder.worker = w;
}

export async function stopHttpWorker(): Promise<void> {
  const w = holder.worker;
  if (!w) return;
  clearInterval(w.timer);
  holder.worker = undefined;
  while (w.running) await new Promise((r) => setTimeout(r, 10));
}

/** Runs a delivery pass now, without waiting. Does nothing in a process without a worker. */
export function kickHttpWorker(): void {
  const w = holder.worker;
  if (w) void runPasses(w, true);
}

// --- inspection (admin console, tests). Bodies hold live tokens: admins only.

export function listDeliveries(filter: { kind?: string; take?: number } = {}): Promise<HttpDelivery[]> {
  return listHttpDeliveries({ kind: filter.kind, take: Math.max(1, Math.min(filter.take ?? 50, 500)) });
}

export async function getDelivery(id: string): Promise<HttpDelivery | null> {
  if (!isUuid(id)) return null;
  return findHttpDelivery(id);
}
