// One outbox for all background deliveries (docs/architecture.md, "The outbox"). A domain writes a
// row (inside its own transaction when it has one) and registers a queue: its table, the work for
// one row and a retry policy. This module claims due rows with a lease (FOR UPDATE SKIP LOCKED, so
// any number of workers and nodes share the work), retries with exponential backoff, keeps rows
// given up as dead letters for inspection, and deletes old rows. It runs where the deployment
// allows: the in-process poller, after() right after a response, or the cron route.
import "server-only";
import type { Tx } from "@/lib/db";
import { isUuid } from "@/lib/formats";
import { findRow, listRows, markRowDoneInTransaction, removeOutboxRow, type OutboxTable } from "./outbox.repo";
import type { OutboxColumns } from "./queue";

export { backoffSeconds, runOutboxPass, drainOutboxQueue, DEFAULT_BATCH, type OutboxQueue, type OutboxRow, type OutboxColumns, type RetryPolicy, type PassResult } from "./queue";
export { registerOutboxQueue, outboxQueues } from "./registry";
export { drainOutbox, type DrainSummary } from "./drain";
export { startOutboxWorker, stopOutboxWorker, outboxWorkerRunning } from "./worker";
export { kickOutbox } from "./kick";
export { sweepOutbox, sweepOutboxQueue } from "./sweep";
export type { OutboxTable };

/** For a queue whose work is a transaction: removes the row in it, so both commit together. False when another worker finished it. */
export function completeInTransaction(table: OutboxTable, id: string, tx: Tx): Promise<boolean> {
  return removeOutboxRow(table, id, tx);
}

/**
 * For a queue whose rows stay once done (a data export): marks the row done in the transaction
 * that does the rest of its work, with the queue's own `columns`. False when another worker finished it.
 */
export function markDoneInTransaction(table: OutboxTable, id: string, columns: OutboxColumns, tx: Tx): Promise<boolean> {
  return markRowDoneInTransaction(table, id, columns, tx);
}

/** Inspection (admin pages, tests): newest first, at most 500. */
export function listOutboxRows<Row>(table: OutboxTable, filter: { where?: object; take?: number } = {}): Promise<Row[]> {
  return listRows<Row>(table, { where: filter.where, take: Math.max(1, Math.min(filter.take ?? 50, 500)) });
}

export async function findOutboxRow<Row>(table: OutboxTable, id: string): Promise<Row | null> {
  // A malformed id would be a database error on a uuid column; to a caller it is simply "not found".
  if (!isUuid(id)) return null;
  return findRow<Row>(table, id);
}
