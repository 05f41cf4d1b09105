// The delivery log and manual replays. A replay is a new delivery row (the log keeps the history)
// carrying the same event id as webhook-id, so a receiver that deduplicates by it sees the event
// once; replaying "since" re-sends the retained events (30 days: lib/events) of the
// subscription's types, a page at a time, at most MAX_REPLAY_EVENTS per request.
import "server-only";
import crypto from "node:crypto";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { findIdentityEvent, identityEventsSince, eventEnvelope, type IdentityEventType } from "@/lib/events";
import { isUuid } from "@/lib/formats";
import { kickOutbox } from "@/lib/outbox";
import { assertCan, auditActorOf, loadSubscriptionRow, type WebhookPrincipal } from "./subscriptions";
import { WebhookError } from "./webhooks.errors";
import { findDeliveryOf, insertDeliveries, insertDelivery, listDeliveryRows, withTransaction, type WebhookDelivery } from "./webhooks.repo";

export const EVENT_RETENTION_DAYS = 30;
export const MAX_REPLAY_EVENTS = 5000;
const PAGE = 500;
/** The type of a test delivery: not an identity event, never fanned out, only sent on request. */
export const TEST_EVENT_TYPE = "webhook.test";

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  trigger: string;
  replayOf: string | null;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

function toDeliveryView(d: WebhookDelivery): DeliveryView {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    trigger: d.trigger,
    replayOf: d.replayOfId,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError ? d.lastError.slice(0, 300) : null,
    lastDurationMs: d.lastDurationMs,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

/** A subscription's deliveries, newest first; `before` is the last id of the previous page. */
export async function listDeliveries(principal: WebhookPrincipal, subscriptionId: string, opts: { before?: string; take?: number } = {}): Promise<{ deliveries: DeliveryView[]; next: string | null }> {
  assertCan(principal, "read");
  await loadSubscriptionRow(subscriptionId);
  const take = Math.max(1, Math.min(opts.take ?? 50, 200));
  let before: { createdAt: Date; id: string } | undefined;
  if (opts.before !== undefined) {
    const cursor = isUuid(opts.before) ? await findDeliveryOf(subscriptionId, opts.before) : null;
    if (!cursor) throw new WebhookError("invalid_input", "Unknown cursor.", "before");
    before = { createdAt: cursor.createdAt, id: cursor.id };
  }
  const rows = await listDeliveryRows(subscriptionId, { before, take: take + 1 });
  const page = rows.slice(0, take);
  return { deliveries: page.map(toDeliveryView), next: rows.length > take ? (page.at(-1)?.id ?? null) : null };
}

async function enabledSubscription(subscriptionId: string) {
  const sub = await loadSubscriptionRow(subscriptionId);
  if (!sub.enabled) throw new WebhookError("invalid_input", "Enable the subscription before replaying to it.", "id");
  return sub;
}

/** Sends one delivery's event again, as a new delivery referencing it. */
export async function replayDelivery(principal: WebhookPrincipal, subscriptionId: string, deliveryId: string, ctx: RequestContext): Promise<DeliveryView> {
  assertCan(principal, "write");
  await enabledSubscription(subscriptionId);
  const original = isUuid(deliveryId) ? await findDeliveryOf(subscriptionId, deliveryId) : null;
  if (!original) throw new WebhookError("not_found", "There is no such delivery of this subscription.", "deliveryId");
  // Only an event still kept is sent again: not one past retention, nor one whose person was erased.
  if (original.trigger !== "test" && !(await findIdentityEvent(original.eventId))) throw new WebhookError("not_found", "This event is no longer kept (events are kept 30 days, and go with an erased account): it cannot be sent again.", "deliveryId");
  const created = await withTransaction(async (tx) => {
    const row = await insertDelivery({ subscriptionId, eventId: original.eventId, eventType: original.eventType, body: original.body, trigger: "replay", replayOfId: original.id }, tx);
    await recordAudit({ actor: auditActorOf(principal), action: "webhook.replayed", target: { type: "webhook", id: subscriptionId }, result: "success", context: ctx, details: { deliveryId: row.id, replayOf: original.id, eventId: original.eventId, ...("client" in principal ? { clientId: principal.client.clientId } : {}) } }, tx);
    return row;
  });
  kickOutbox();
  return toDeliveryView(created);
}

/**
 * Sends again every retained event of the subscription's types that occurred at or after `since`
 * (within the last 30 days), oldest first; at most MAX_REPLAY_EVENTS (`truncated` says so).
 */
export async function replaySince(principal: WebhookPrincipal, subscriptionId: string, since: Date, ctx: RequestContext, now = new Date()): Promise<{ queued: number; truncated: boolean }> {
  assertCan(principal, "write");
  const sub = await enabledSubscription(subscriptionId);
  if (Number.isNaN(since.getTime()) || since > now) throw new WebhookError("invalid_input", "Give a time in the past.", "since");
  if (since.getTime() < now.getTime() - EVENT_RETENTION_DAYS * 24 * 3600_000) throw new WebhookError("invalid_input", `Events are kept for ${EVENT_RETENTION_DAYS} days: give a time within them.`, "since");
  let queued = 0;
  let after: { occurredAt: Date; id: string } | undefined;
  let truncated = false;
  for (;;) {
    const events = await identityEventsSince({ since, types: sub.eventTypes as IdentityEventType[], after, take: PAGE });
    const room = MAX_REPLAY_EVENTS - queued;
    const batch = events.slice(0, room);
    queued += await insertDeliveries(batch.map((e) => ({ subscriptionId, eventId: e.id, eventType: e.type, body: JSON.stringify(eventEnvelope(e)), trigger: "replay_since" })));
    if (events.length > room) truncated = true;
    const last = events.at(-1);
    if (truncated || events.length < PAGE || !last) break;
    if (queued >= MAX_REPLAY_EVENTS) {
      // Exactly full: one more look says whether anything was left out.
      truncated = (await identityEventsSince({ since, types: sub.eventTypes as IdentityEventType[], after: { occurredAt: last.occurredAt, id: last.id }, take: 1 })).length > 0;
      break;
    }
    after = { occurredAt: last.occurredAt, id: last.id };
  }
  await recordAudit({ actor: auditActorOf(principal), action: "webhook.replayed", target: { type: "webhook", id: subscriptionId }, result: "success", context: ctx, details: { since: since.toISOString(), queued, truncated, ...("client" in principal ? { clientId: principal.client.clientId } : {}) } });
  if (queued) kickOutbox();
  return { queued, truncated };
}

/** A `webhook.test` delivery (not in the event catalogue) so a receiver can be tried. */
export async function sendTestEvent(principal: WebhookPrincipal, subscriptionId: string, ctx: RequestContext, now = new Date()): Promise<DeliveryView> {
  assertCan(principal, "write");
  await enabledSubscription(subscriptionId);
  const id = crypto.randomUUID();
  const body = JSON.stringify({ id, type: TEST_EVENT_TYPE, version: 1, timestamp: now.toISOString(), userId: null, data: { subscriptionId } });
  const created = await withTransaction(async (tx) => {
    const row = await insertDelivery({ subscriptionId, eventId: id, eventType: TEST_EVENT_TYPE, body, trigger: "test" }, tx);
    await recordAudit({ actor: auditActorOf(principal), action: "webhook.test_sent", target: { type: "webhook", id: subscriptionId }, result: "success", context: ctx, details: { deliveryId: row.id } }, tx);
    return row;
  });
  kickOutbox();
  return toDeliveryView(created);
}
