// The janitor's pass over the outbox: each queue's own housekeeping, then its rows past retention.
import "server-only";
import { deleteRowsCreatedBefore } from "./outbox.repo";
import type { OutboxQueue } from "./queue";
import { outboxQueues } from "./registry";

const DAY_MS = 24 * 3600_000;

export async function sweepOutboxQueue(queue: OutboxQueue, now = new Date()): Promise<Record<string, number>> {
  const swept = (await queue.sweep?.(now)) ?? {};
  const deleted = await deleteRowsCreatedBefore(queue.table, new Date(now.getTime() - queue.retentionDays() * DAY_MS));
  return { ...swept, deleted };
}

/** Counts keyed "<queue>.<what>", e.g. "mail.bodiesRemoved", "http.deleted". */
export async function sweepOutbox(now = new Date()): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const q of outboxQueues()) {
    for (const [what, n] of Object.entries(await sweepOutboxQueue(q, now))) counts[`${q.name}.${what}`] = n;
  }
  return counts;
}
