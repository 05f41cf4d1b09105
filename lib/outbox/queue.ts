// What a queue is, and one delivery pass over it. A queue names its table, does the work for one
// row (send a mail, POST a request, run an account job) and says how to retry; everything else
// (claiming with a lease, backoff, giving up, logging) is the same for every queue and lives here.
import "server-only";
import type { Prisma } from "@/lib/db";
import { claimDueRows, markRowAttemptFailed, markRowDone, type OutboxTable } from "./outbox.repo";

/** SQL for the queue's own columns (built by its *.repo.ts). */
export type OutboxColumns = Prisma.Sql;

export interface RetryPolicy {
  /** Wait after the first failure; doubled after each further one. */
  baseSeconds: number;
  maxBackoffSeconds: number;
  /** After this many attempts the row is given up (kept as a dead letter). */
  maxAttempts: number;
}

/** Seconds to wait after the `attempts`-th failure (1-based): base * 2^(attempts-1), capped. */
export function backoffSeconds(attempts: number, policy: Pick<RetryPolicy, "baseSeconds" | "maxBackoffSeconds">): number {
  return Math.min(policy.baseSeconds * 2 ** Math.max(0, attempts - 1), policy.maxBackoffSeconds);
}

export interface OutboxRow {
  id: string;
  attempts: number;
}

export interface OutboxQueue<Row extends OutboxRow = OutboxRow> {
  /** Names the queue in logs and summaries ("mail", "http", "account-jobs"). */
  readonly name: string;
  readonly table: OutboxTable;
  /** How long a claimed batch of `limit` rows stays the caller's: it must outlast the batch at worst. */
  leaseSeconds(limit: number): number;
  /** Rows of a batch are delivered one after another unless this is set. */
  readonly parallel?: boolean;
  retryPolicy(row: Row): RetryPolicy;
  /**
   * Does the work for one row; throws when the attempt failed. May return columns to set as the
   * row is marked done.
   */
  deliver(row: Row): Promise<OutboxColumns | void>;
  /** A failure the receiver will repeat: give up at once. */
  isPermanent?(error: unknown): boolean;
  /** Columns to clear when a row gives up (`givesUp` is an SQL condition): a dead letter keeps no secrets. */
  deadLetterColumns?(givesUp: OutboxColumns): OutboxColumns;
  /** Columns of the queue's own to set with a failed attempt (what the receiver answered, how long it took). */
  failureColumns?(row: Row, error: unknown): OutboxColumns | undefined;
  /** What a log line calls the row: never its body, address or payload. */
  describe(row: Row): string;
  /** Rows are deleted this many days after they were created, whatever their status. */
  retentionDays(): number;
  /** Housekeeping before the old rows go (mail: bodies left after delivery); counts by name. */
  sweep?(now: Date): Promise<Record<string, number>>;
}

export interface PassResult {
  done: number;
  failed: number;
}

export const DEFAULT_BATCH = 10;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function deliverOne<Row extends OutboxRow>(queue: OutboxQueue<Row>, row: Row): Promise<boolean> {
  let columns: OutboxColumns | void;
  try {
    columns = await queue.deliver(row);
  } catch (e) {
    const attempts = row.attempts + 1;
    const policy = queue.retryPolicy(row);
    const permanent = queue.isPermanent?.(e) ?? false;
    const error = message(e);
    const gaveUp = await markRowAttemptFailed(queue.table, row.id, {
      error,
      retryInSeconds: backoffSeconds(attempts, policy),
      maxAttempts: policy.maxAttempts,
      permanent,
      deadLetterColumns: queue.deadLetterColumns?.bind(queue),
      attemptColumns: queue.failureColumns?.(row, e),
    });
    console.warn(
      `[${queue.name}] ${queue.describe(row)} failed, attempt ${attempts}/${policy.maxAttempts}` +
        `${permanent ? ", permanent" : ""}${gaveUp ? ", given up" : ""}: ${error.slice(0, 300)}`,
    );
    return false;
  }
  // Outside the try: a failed status update after the work succeeded must not count as a failed
  // attempt (that would do the work again); the lease running out is the worst case.
  await markRowDone(queue.table, row.id, columns || undefined);
  return true;
}

/** One pass: claims up to `limit` due rows and delivers them. Safe to run concurrently anywhere. */
export async function runOutboxPass<Row extends OutboxRow>(queue: OutboxQueue<Row>, limit = DEFAULT_BATCH): Promise<PassResult> {
  const n = Math.max(1, Math.min(limit, 100));
  const claimed = await claimDueRows<Row>(queue.table, n, queue.leaseSeconds(n));
  let results: boolean[];
  if (queue.parallel) {
    results = await Promise.all(claimed.map((row) => deliverOne(queue, row)));
  } else {
    results = [];
    for (const row of claimed) results.push(await deliverOne(queue, row));
  }
  const done = results.filter(Boolean).length;
  return { done, failed: results.length - done };
}

/** Passes until a batch comes back short (nothing more is due) or `deadline` (epoch ms) passes. */
export async function drainOutboxQueue(queue: OutboxQueue, opts: { deadline?: number } = {}): Promise<PassResult> {
  const total = { done: 0, failed: 0 };
  for (;;) {
    const r = await runOutboxPass(queue, DEFAULT_BATCH);
    total.done += r.done;
    total.failed += r.failed;
    if (r.done + r.failed < DEFAULT_BATCH) return total;
    if (opts.deadline !== undefined && Date.now() >= opts.deadline) return total;
  }
}
