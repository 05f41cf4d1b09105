// Runs queued account jobs (account-jobs.ts): looks the address up and does what depends on it,
// in one transaction with the job's removal. One worker per process, polling every 2 s and woken
// right after a request queues a job; any node may run any job.
import "server-only";
import { kickMailWorker } from "@/lib/mail";
import type { Tx } from "@/lib/db";
import { claimDueAccountJobs, deleteAccountJob, markAccountJobFailed, type AccountJobRow } from "./account-jobs.repo";
import { currentAccountJobWorker, setAccountJobWorker, type AccountJob, type AccountJobKind } from "./account-jobs";
import { withTransaction } from "./users.repo";
import { mailPasswordReset } from "./recovery";
import { completeRegistration } from "./registration";

const handlers: { [K in AccountJobKind]: (job: AccountJob<K>, tx: Tx) => Promise<void> } = {
  password_reset: mailPasswordReset,
  registration: completeRegistration,
};

const BATCH = 10;
const LEASE_SECONDS = 60;
const MAX_ATTEMPTS = 5;
const POLL_INTERVAL_MS = 2000;
// A woken worker waits this long first, so a job's work does not compete with sending the
// response of the request that queued it.
const KICK_DELAY_MS = 20;

async function runJob(row: AccountJobRow): Promise<void> {
  const job = row as unknown as AccountJob;
  const handle = handlers[job.kind] as ((j: AccountJob, tx: Tx) => Promise<void>) | undefined;
  if (!handle) throw new Error(`unknown account job kind: ${job.kind}`);
  await withTransaction(async (tx) => {
    if (!(await deleteAccountJob(row.id, tx))) return; // another worker finished it after our lease ran out
    await handle(job, tx);
  });
}

/** One pass: claims due jobs and runs them. Safe to run concurrently anywhere. */
export async function runDueAccountJobs(limit = BATCH): Promise<{ done: number; failed: number }> {
  const claimed = await claimDueAccountJobs(limit, LEASE_SECONDS);
  let done = 0;
  let failed = 0;
  for (const row of claimed) {
    try {
      await runJob(row);
      done++;
    } catch (e) {
      failed++;
      const error = e instanceof Error ? e.message : String(e);
      // Never the address or the payload in the log: the job id and kind identify it.
      const outcome = await markAccountJobFailed(row.id, { error, retryInSeconds: 2 ** row.attempts * 5, maxAttempts: MAX_ATTEMPTS });
      console.warn(`[portico] account job ${row.id} (${row.kind}) failed, attempt ${row.attempts + 1}/${MAX_ATTEMPTS}${outcome === "dropped" ? ", dropped" : ""}: ${error.slice(0, 300)}`);
    }
  }
  if (done) kickMailWorker();
  return { done, failed };
}

/** Runs passes until nothing is due (tests, benchmarks, and the worker itself). */
export async function drainAccountJobs(): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await runDueAccountJobs();
    total += r.done;
    if (r.done + r.failed < BATCH) return total;
  }
}

interface Worker {
  timer?: NodeJS.Timeout;
  running: boolean;
  again: boolean;
}

async function runPasses(w: Worker): Promise<void> {
  if (w.running) {
    w.again = true;
    return;
  }
  w.running = true;
  try {
    do {
      w.again = false;
      await drainAccountJobs();
    } while (w.again);
  } catch (e) {
    console.warn(`[portico] account job pass failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    w.running = false;
  }
}

/** Starts polling. Idempotent per process: later calls keep the first worker. */
export function startAccountJobWorker(opts: { intervalMs?: number } = {}): void {
  if (currentAccountJobWorker()) return;
  const w: Worker = { running: false, again: false };
  // unref: the poll alone must not keep a script or a test process alive.
  w.timer = setInterval(() => void runPasses(w), opts.intervalMs ?? POLL_INTERVAL_MS).unref();
  setAccountJobWorker({
    kick: () => void setTimeout(() => void runPasses(w), KICK_DELAY_MS).unref(),
    stop: async () => {
      clearInterval(w.timer);
      while (w.running) await new Promise((r) => setTimeout(r, 10));
    },
  });
}

export async function stopAccountJobWorker(): Promise<void> {
  const w = currentAccountJobWorker();
  setAccountJobWorker(undefined);
  await w?.stop();
}
