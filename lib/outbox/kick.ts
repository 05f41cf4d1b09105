// Delivery right after the request that queued something. Inside a request (route handler, server
// action, page) the work is handed to Next's after(): it runs once the response is sent, so it
// neither delays the response nor, on a serverless platform, is cut off with it. Outside request
// scope (the worker's own passes, scripts, tests, server.mjs's fast path) after() throws: then the
// in-process worker, if this process runs one, is woken instead; otherwise the next poll or cron
// run of any node picks the rows up.
import "server-only";
import { after } from "next/server";
import { drainOutbox } from "./drain";
import { outboxWorkerRunning, runWorkerPasses } from "./worker";

/** Budget of a drain after a response where no poller runs: well inside a serverless function's limit. */
const AFTER_RESPONSE_BUDGET_MS = 10_000;

function inRequestScope(task: () => Promise<unknown>): boolean {
  try {
    after(task);
    return true;
  } catch {
    return false;
  }
}

/**
 * Delivers due rows of every queue soon, without waiting for it. Call it after the transaction
 * that queued a row commits (inside it, the row is not visible yet).
 */
export function kickOutbox(): void {
  const work = async () => {
    if (outboxWorkerRunning()) await runWorkerPasses(true);
    else await drainOutbox({ budgetMs: AFTER_RESPONSE_BUDGET_MS });
  };
  if (inRequestScope(work)) return;
  if (outboxWorkerRunning()) void runWorkerPasses(true);
}
