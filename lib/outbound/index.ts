// Outbound HTTP POSTs through the outbox (lib/outbox): back-channel logout tokens and risk alerts
// today, event webhooks later, each sent by safeFetch (delivery-queue.ts). enqueueHttpDelivery
// only writes a row (inside the caller's transaction when given); the outbox delivers due rows,
// retrying with the policy of the row's kind. Errors are stored on the row and logged (never the
// body: it holds tokens), never thrown to the code that asked for the delivery.
import "server-only";
import type { Tx } from "@/lib/db";
import { backoffSeconds, findOutboxRow, kickOutbox, listOutboxRows, registerOutboxQueue, runOutboxPass, type RetryPolicy } from "@/lib/outbox";
import { insertHttpDelivery, type HttpDelivery } from "./outbound.repo";
import { OutboundError } from "./outbound.errors";
import { DEFAULT_RETRY_POLICY, httpDeliveryQueue, type HttpQueueOptions } from "./delivery-queue";

export { OutboundError, type OutboundErrorCode } from "./outbound.errors";
export { OutboundRequestError, checkOutboundUrl, readUpTo, safeFetch, type OutboundRequestErrorCode, type Resolver, type SafeFetchOptions, type SafeResponse } from "./safe-fetch";
export { classifyAddress, isLocalHost, refusedHostReason, type AddressClass, type AddressPolicy } from "./address-policy";
export { DEFAULT_RETRY_POLICY, REQUEST_TIMEOUT_MS, retryPolicyFor, httpDeliveryQueue, type HttpQueueOptions } from "./delivery-queue";
export type { RetryPolicy } from "@/lib/outbox";
export type { HttpDelivery };

const MAX_BODY_CHARS = 64 * 1024;

const defaultQueue = httpDeliveryQueue();
registerOutboxQueue(defaultQueue);

/** Seconds to wait after the `attempts`-th failure (1-based): base * 2^(attempts-1), capped. */
export function httpRetryDelaySeconds(attempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  return backoffSeconds(attempts, policy);
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
 * Queues a POST. With `tx` the row is part of the caller's transaction: call kickOutbox()
 * after it commits for immediate delivery (otherwise the next poll sends it).
 */
export async function enqueueHttpDelivery(req: HttpDeliveryRequest, tx?: Tx): Promise<{ id: string }> {
  assertRequest(req);
  const row = await insertHttpDelivery({ kind: req.kind, url: req.url, contentType: req.contentType, body: req.body, headers: req.headers ?? null }, tx);
  if (!tx) kickOutbox();
  return row;
}

export interface DeliverHttpOptions extends HttpQueueOptions {
  limit?: number;
}

/** One delivery pass over the HTTP queue (tests; the outbox runs it in production). */
export async function deliverDueHttp(opts: DeliverHttpOptions = {}): Promise<{ delivered: number; failed: number }> {
  const queue = opts.timeoutMs !== undefined || opts.fetchOptions ? httpDeliveryQueue(opts) : defaultQueue;
  const { done, failed } = await runOutboxPass(queue, opts.limit);
  return { delivered: done, failed };
}

// --- inspection (admin console, tests). Bodies hold live tokens: admins only.

export function listDeliveries(filter: { kind?: string; take?: number } = {}): Promise<HttpDelivery[]> {
  return listOutboxRows<HttpDelivery>("HttpDelivery", { where: filter.kind ? { kind: filter.kind } : undefined, take: filter.take });
}

export function getDelivery(id: string): Promise<HttpDelivery | null> {
  return findOutboxRow<HttpDelivery>("HttpDelivery", id);
}
