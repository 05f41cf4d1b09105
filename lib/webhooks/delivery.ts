// The webhook delivery queue of the outbox (lib/outbox) and the fan-out sink of lib/events.
// The fan-out writes one row per enabled subscription that wants the event's type, with the body
// (the event's envelope) fixed then. Each attempt is signed when it is sent (Standard Webhooks:
// webhook-id = the event id, webhook-timestamp = now, webhook-signature), POSTed through
// safeFetch with a timeout; 2xx is delivered, a 5xx, 408, 429, timeout or network failure is
// retried with backoff, any other 4xx or a 3xx gives up at once. A subscription failing without a
// break for longer than WEBHOOK_DISABLE_AFTER_HOURS (and at least MIN_FAILURES attempts) is
// disabled, audited, and its administrators are mailed, once.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { config } from "@/lib/config";
import { eventEnvelope, registerEventSink, type IdentityEvent } from "@/lib/events";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox, registerOutboxQueue, runOutboxPass, type OutboxColumns, type OutboxQueue, type RetryPolicy } from "@/lib/outbox";
import { OutboundRequestError, safeFetch, type SafeFetchOptions, type SafeResponse } from "@/lib/outbound";
import { tenantWideHoldersOf } from "@/lib/users";
import { signatureHeader } from "./signing";
import { signingSecretsOf } from "./subscriptions";
import {
  attemptColumnsSql,
  disableIfFailingSince,
  failPendingDeliveries,
  fanOutEvent,
  recordSubscriptionFailure,
  recordSubscriptionSuccess,
  subscriptionForDelivery,
  withTransaction,
  type WebhookDelivery,
} from "./webhooks.repo";

export const REQUEST_TIMEOUT_MS = 10_000;
const RETENTION_DAYS = 30;
/**
 * In the spirit of the Standard Webhooks retry schedule (seconds first, then hours, about a day in
 * all): waits of 5 s doubling up to 6 h, 16 attempts, the last about 24 hours after the first.
 */
export const WEBHOOK_RETRY_POLICY: RetryPolicy = { baseSeconds: 5, maxBackoffSeconds: 6 * 3600, maxAttempts: 16 };
/** A subscription is disabled only after at least this many failed attempts in its run, however long it lasted. */
export const MIN_FAILURES_BEFORE_DISABLE = 5;

const DISABLED = "subscription disabled";

class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly statusCode: number | null,
    readonly durationMs: number,
  ) {
    super(message);
  }
}

/**
 * A status the receiver will answer the same way next time: a client error other than 408
 * (timeout), 425 (too early) and 429 (rate limited), or a redirect (RFC 9110 §15.4: never followed;
 * the registered URL is the one that must answer).
 */
function isPermanentStatus(status: number): boolean {
  if (status >= 300 && status < 400) return true;
  return status >= 400 && status < 500 && ![408, 425, 429].includes(status);
}

export interface WebhookQueueOptions {
  timeoutMs?: number;
  /** Tests inject a resolver or an address policy. */
  fetchOptions?: Omit<SafeFetchOptions, "timeoutMs">;
  now?: () => Date;
}

async function send(d: WebhookDelivery, opts: WebhookQueueOptions): Promise<OutboxColumns> {
  const sub = await subscriptionForDelivery(d.subscriptionId);
  if (!sub || !sub.enabled) throw new AttemptFailure(DISABLED, true, null, 0);
  const now = opts.now?.() ?? new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    "content-type": "application/json",
    "webhook-id": d.eventId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatureHeader(signingSecretsOf(sub, now), d.eventId, timestamp, d.body),
  };
  const started = Date.now();
  let res: SafeResponse;
  try {
    res = await safeFetch(sub.url, { method: "POST", headers, body: d.body }, { maxResponseBytes: 64 * 1024, ...opts.fetchOptions, timeoutMs: opts.timeoutMs ?? REQUEST_TIMEOUT_MS });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const disabled = await noteFailure(d);
    throw new AttemptFailure(message + (disabled ? " (subscription disabled)" : ""), disabled || (e instanceof OutboundRequestError && e.permanent), e instanceof OutboundRequestError ? (e.status ?? null) : null, Date.now() - started);
  }
  const durationMs = Date.now() - started;
  if (res.status >= 200 && res.status < 300) {
    await recordSubscriptionSuccess(sub.id);
    return attemptColumnsSql(res.status, durationMs);
  }
  // The attempt that disabled the subscription is its last.
  const disabled = await noteFailure(d);
  throw new AttemptFailure(`HTTP ${res.status}${res.statusText ? " " + res.statusText : ""}`.slice(0, 200) + (disabled ? " (subscription disabled)" : ""), disabled || isPermanentStatus(res.status), res.status, durationMs);
}

/** Extends the subscription's failing run; disables it once the run is long enough (true: it did now). */
async function noteFailure(d: WebhookDelivery): Promise<boolean> {
  const run = await recordSubscriptionFailure(d.subscriptionId);
  if (!run?.enabled || run.consecutiveFailures < MIN_FAILURES_BEFORE_DISABLE) return false;
  const hours = config().WEBHOOK_DISABLE_AFTER_HOURS;
  const cutoff = new Date(Date.now() - hours * 3600_000);
  if (run.failingSince >= cutoff) return false;
  const reason = `Every delivery failed for more than ${hours} hours (${run.consecutiveFailures} attempts in a row).`;
  const recipients = await tenantWideHoldersOf("webhooks:write");
  const done = await withTransaction(async (tx) => {
    const disabled = await disableIfFailingSince(d.subscriptionId, cutoff, MIN_FAILURES_BEFORE_DISABLE, reason, tx);
    if (!disabled) return false; // another worker did it
    await failPendingDeliveries(disabled.id, "subscription disabled", tx, d.id);
    await recordAudit({ actor: { type: "system" }, action: "webhook.disabled", target: { type: "webhook", id: disabled.id }, result: "success", details: { reason: "failing", failingSince: run.failingSince.toISOString(), consecutiveFailures: run.consecutiveFailures } }, tx);
    const consoleLink = new URL(`/admin/webhooks/${disabled.id}`, config().publicUrl).toString();
    for (const r of recipients) {
      await enqueueMail({ to: r.email, template: "webhook-disabled", data: { url: disabled.url, hours, failures: run.consecutiveFailures, since: run.failingSince.toISOString(), consoleLink, name: r.displayName ?? undefined } }, tx);
    }
    return true;
  });
  if (done) kickOutbox();
  return done;
}

export function webhookDeliveryQueue(opts: WebhookQueueOptions = {}): OutboxQueue<WebhookDelivery> {
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return {
    name: "webhooks",
    table: "WebhookDelivery",
    leaseSeconds: () => 60 + Math.ceil(timeoutMs / 1000),
    parallel: true,
    retryPolicy: () => WEBHOOK_RETRY_POLICY,
    deliver: (d) => send(d, opts),
    isPermanent: (e) => e instanceof AttemptFailure && e.permanent,
    failureColumns: (_d, e) => (e instanceof AttemptFailure && e.message !== DISABLED ? attemptColumnsSql(e.statusCode, e.durationMs) : undefined),
    describe: (d) => `webhook delivery ${d.id} (${d.eventType}) of subscription ${d.subscriptionId}`,
    retentionDays: () => RETENTION_DAYS,
  };
}

const defaultQueue = webhookDeliveryQueue();
registerOutboxQueue(defaultQueue);

/** One delivery pass (tests inject a timeout or fetch options; the outbox runs it in production). */
export function deliverDueWebhooks(opts: WebhookQueueOptions & { limit?: number } = {}): Promise<{ done: number; failed: number }> {
  const queue = opts.timeoutMs !== undefined || opts.fetchOptions || opts.now ? webhookDeliveryQueue(opts) : defaultQueue;
  return runOutboxPass(queue, opts.limit);
}

/** The sink: one delivery per subscription wanting the type; idempotent by event id. */
export async function fanOut(event: IdentityEvent): Promise<number> {
  const n = await fanOutEvent({ id: event.id, type: event.type, body: JSON.stringify(eventEnvelope(event)) });
  if (n) kickOutbox();
  return n;
}

registerEventSink("webhooks", async (event) => {
  await fanOut(event);
});
