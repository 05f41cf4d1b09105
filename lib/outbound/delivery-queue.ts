// The HTTP queue of the outbox (lib/outbox): each row is one POST through safeFetch (SSRF guard at
// connect time, no redirects, size cap). 2xx is delivered; anything else is retried with the
// policy of the row's kind. A batch is sent in parallel: receivers are independent.
import "server-only";
import type { OutboxQueue, RetryPolicy } from "@/lib/outbox";
import type { HttpDelivery } from "./outbound.repo";
import { OutboundRequestError, safeFetch, type SafeFetchOptions, type SafeResponse } from "./safe-fetch";

/** Longest a single request may take (connect, send, response headers). */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Finished deliveries (their bodies hold tokens and signed alerts) are deleted after this many days. */
const RETENTION_DAYS = 30;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseSeconds: 30, maxBackoffSeconds: 3600, maxAttempts: 8 };

/**
 * Kinds whose payload goes stale. A logout token should expire within two minutes (Back-Channel
 * Logout 1.0 §4), so its retries are packed into that window: waits of 2+4+8+16+32 s, plus at
 * most 10 s per request, end about when the token does. Later attempts could only be refused.
 * A new kind of delivery adds its policy here (event webhooks have their own queue: lib/webhooks).
 */
const RETRY_POLICIES: Record<string, RetryPolicy> = {
  backchannel_logout: { baseSeconds: 2, maxBackoffSeconds: 60, maxAttempts: 6 },
};

export function retryPolicyFor(kind: string): RetryPolicy {
  return RETRY_POLICIES[kind] ?? DEFAULT_RETRY_POLICY;
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

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "?";
  }
}

export interface HttpQueueOptions {
  timeoutMs?: number;
  /** Tests inject a resolver or a policy; default: the system resolver and the configured policy. */
  fetchOptions?: Omit<SafeFetchOptions, "timeoutMs">;
}

export function httpDeliveryQueue(opts: HttpQueueOptions = {}): OutboxQueue<HttpDelivery> {
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return {
    name: "http",
    table: "HttpDelivery",
    // The batch runs in parallel, so the lease must outlast one request at worst, with a margin.
    leaseSeconds: () => 60 + Math.ceil(timeoutMs / 1000),
    parallel: true,
    retryPolicy: (d) => retryPolicyFor(d.kind),
    deliver: (d) => post(d, { ...opts.fetchOptions, timeoutMs }),
    isPermanent: (e) => e instanceof DeliveryFailure && e.permanent,
    // Never the body: it holds tokens.
    describe: (d) => `${d.kind} delivery ${d.id} to ${hostOf(d.url)}`,
    retentionDays: () => RETENTION_DAYS,
  };
}
