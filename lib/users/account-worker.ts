// The account-job queue of the outbox (lib/outbox): runs queued account jobs (account-jobs.ts),
// looking the address up and doing what depends on it in one transaction with the job's removal.
// Any node may run any job; a job given up keeps no payload (account-jobs.repo.ts).
import "server-only";
import { completeInTransaction, drainOutboxQueue, kickOutbox, registerOutboxQueue, runOutboxPass, type OutboxQueue } from "@/lib/outbox";
import type { Tx } from "@/lib/db";
import { deadLetterColumns, type AccountJobRow } from "./account-jobs.repo";
import type { AccountJob, AccountJobKind } from "./account-jobs";
import { withTransaction } from "./users.repo";
import { mailPasswordReset } from "./recovery";
import { completeRegistration } from "./registration";

const handlers: { [K in AccountJobKind]: (job: AccountJob<K>, tx: Tx) => Promise<void> } = {
  password_reset: mailPasswordReset,
  registration: completeRegistration,
};

/** Dead letters (no payload left) are deleted after this many days. */
const RETENTION_DAYS = 30;

async function runJob(row: AccountJobRow): Promise<void> {
  const job = row as unknown as AccountJob;
  const handle = handlers[job.kind] as ((j: AccountJob, tx: Tx) => Promise<void>) | undefined;
  if (!handle) throw new Error(`unknown account job kind: ${job.kind}`);
  let ran = false;
  await withTransaction(async (tx) => {
    if (!(await completeInTransaction("AccountJob", row.id, tx))) return; // another worker finished it after our lease ran out
    await handle(job, tx);
    ran = true;
  });
  if (ran) kickOutbox(); // the mail the job queued is committed now
}

const accountJobQueue: OutboxQueue<AccountJobRow> = {
  name: "account-jobs",
  table: "AccountJob",
  leaseSeconds: () => 60,
  retryPolicy: () => ({ baseSeconds: 5, maxBackoffSeconds: 3600, maxAttempts: 5 }),
  deliver: runJob,
  deadLetterColumns,
  // Never the address or the payload in the log: the job id and kind identify it.
  describe: (row) => `account job ${row.id} (${row.kind})`,
  retentionDays: () => RETENTION_DAYS,
};
registerOutboxQueue(accountJobQueue);

/** One pass: claims due jobs and runs them. Safe to run concurrently anywhere. */
export async function runDueAccountJobs(limit?: number): Promise<{ done: number; failed: number }> {
  return runOutboxPass(accountJobQueue, limit);
}

/** Runs passes until nothing is due (tests, benchmarks); returns how many jobs were done. */
export async function drainAccountJobs(): Promise<number> {
  return (await drainOutboxQueue(accountJobQueue)).done;
}
