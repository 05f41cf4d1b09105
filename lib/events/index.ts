// Identity events (docs/architecture.md, "Identity events"; the catalogue in docs/events.md): what
// changed about a person (or an application), written in the same transaction as the change (so an
// event exists exactly when its change committed) and published afterwards by the outbox to the
// sinks registered in the process (webhooks and provisioning plug in there).
import "server-only";
import type { Tx } from "@/lib/db";
import { isUuid } from "@/lib/formats";
import { kickOutbox } from "@/lib/outbox";
import type { IdentityEventData, IdentityEventType } from "./catalog";
import { deleteEventsOf, findEvent, insertEvent, listEventsOf, listEventsSince, withTransaction } from "./events.repo";
import { toIdentityEvent } from "./queue";

export { IDENTITY_EVENT_TYPES, EVENT_VERSIONS, EVENTS_WITHOUT_PERSON, eventEnvelope, isIdentityEventType, type EventEnvelope, type IdentityEvent, type IdentityEventData, type IdentityEventType } from "./catalog";
export { registerEventSink, unregisterEventSink, type EventSink } from "./sinks";
export { EVENT_DATA_SCHEMAS, eventSchema, eventSchemaId, eventSchemaIndex, type EventSchemaEntry, type JsonSchema } from "./schemas";
export { runDueIdentityEvents } from "./queue";

export interface NewIdentityEvent<T extends IdentityEventType> {
  type: T;
  /** The person it is about; null only for the types in EVENTS_WITHOUT_PERSON. */
  userId: string | null;
  data: IdentityEventData[T];
}

export async function emitIdentityEvent<T extends IdentityEventType>(event: NewIdentityEvent<T>, tx: Tx): Promise<{ id: string }> {
  const row = await insertEvent(event, tx);
  // Publication soon, without each emitter having to remember it: without a poller (serverless)
  // the drain runs after the response, when the change has committed; a woken poller that runs
  // before the commit finds nothing new, and its next pass (2 s) publishes the event. Once per
  // transaction: a change that emits one event per member of a large group wakes one drain.
  if (!kickedTransactions.has(tx)) {
    kickedTransactions.add(tx);
    kickOutbox();
  }
  return { id: row.id };
}

const kickedTransactions = new WeakSet<Tx>();

/**
 * For a change that has no transaction of its own to join (a sign-in, a risk alert): writes the
 * event in its own and kicks the outbox. Never throws: an event must not break what it reports.
 */
export async function recordIdentityEvent<T extends IdentityEventType>(event: NewIdentityEvent<T>): Promise<{ id: string } | null> {
  try {
    const row = await withTransaction((tx) => insertEvent(event, tx));
    kickOutbox();
    return { id: row.id };
  } catch (e) {
    console.warn(`[events] could not record ${event.type}: ${e instanceof Error ? e.message : e}`);
    return null;
  }
}

/** A person's events, oldest first. */
export async function identityEventsOf(userId: string) {
  return (await listEventsOf(userId)).map(toIdentityEvent);
}

export async function findIdentityEvent(id: string) {
  if (!isUuid(id)) return null;
  const row = await findEvent(id);
  return row ? toIdentityEvent(row) : null;
}

/** Retained events of `types` since `since` (at most 30 days back), oldest first, a page at a time. */
export async function identityEventsSince(filter: { since: Date; types: readonly IdentityEventType[]; after?: { occurredAt: Date; id: string }; take?: number }) {
  const rows = await listEventsSince({ since: filter.since, types: [...filter.types], after: filter.after, take: Math.max(1, Math.min(filter.take ?? 500, 1000)) });
  return rows.map(toIdentityEvent);
}

/** Account erasure, in its transaction: the person's earlier events go. */
export function eraseEventsOf(userId: string, tx: Tx): Promise<number> {
  return deleteEventsOf(userId, tx);
}
