// Identity events (docs/architecture.md, "Identity events"): what changed about a person, written
// in the same transaction as the change (so an event exists exactly when its change committed)
// and published afterwards by the outbox to the sinks registered in the process (webhooks and
// provisioning plug in there). The caller kicks the outbox once its transaction has committed.
import "server-only";
import type { Tx } from "@/lib/db";
import type { IdentityEventData, IdentityEventType } from "./catalog";
import { deleteEventsOf, insertEvent, listEventsOf } from "./events.repo";
import { toIdentityEvent } from "./queue";

export { IDENTITY_EVENT_TYPES, type IdentityEvent, type IdentityEventData, type IdentityEventType } from "./catalog";
export { registerEventSink, unregisterEventSink, type EventSink } from "./sinks";
export { runDueIdentityEvents } from "./queue";

export async function emitIdentityEvent<T extends IdentityEventType>(event: { type: T; userId: string; data: IdentityEventData[T] }, tx: Tx): Promise<{ id: string }> {
  const row = await insertEvent(event, tx);
  return { id: row.id };
}

/** A person's events, oldest first. */
export async function identityEventsOf(userId: string) {
  return (await listEventsOf(userId)).map(toIdentityEvent);
}

/** Account erasure, in its transaction: the person's earlier events go. */
export function eraseEventsOf(userId: string, tx: Tx): Promise<number> {
  return deleteEventsOf(userId, tx);
}
