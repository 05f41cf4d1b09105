// The identity-events queue of the outbox (lib/outbox): publishes each committed event to the
// registered sinks, roughly oldest first (a retried one comes later; subscribers order by
// occurredAt), and keeps it, published, for the retention period so a sink
// added later (a webhook subscription) can be replayed from it.
import "server-only";
import { registerOutboxQueue, runOutboxPass, type OutboxQueue } from "@/lib/outbox";
import type { IdentityEvent, IdentityEventType } from "./catalog";
import type { IdentityEventRow } from "./events.repo";
import { publishToSinks } from "./sinks";

const RETENTION_DAYS = 30;

export function toIdentityEvent(row: IdentityEventRow): IdentityEvent {
  return { id: row.id, type: row.type as IdentityEventType, userId: row.userId, occurredAt: row.occurredAt, data: row.data as IdentityEvent["data"] };
}

export const identityEventQueue: OutboxQueue<IdentityEventRow> = {
  name: "identity-events",
  table: "IdentityEvent",
  leaseSeconds: (limit) => 30 + 10 * limit,
  retryPolicy: () => ({ baseSeconds: 10, maxBackoffSeconds: 3600, maxAttempts: 10 }),
  deliver: (row) => publishToSinks(toIdentityEvent(row)),
  describe: (row) => `identity event ${row.id} (${row.type})`,
  retentionDays: () => RETENTION_DAYS,
};
registerOutboxQueue(identityEventQueue);

/** One pass: publishes due events (tests; the outbox runs it in production). */
export function runDueIdentityEvents(limit?: number): Promise<{ done: number; failed: number }> {
  return runOutboxPass(identityEventQueue, limit);
}
