// Delivery right after the request that queued something. Where this process runs the poller
// (a container), the poller is woken: a pass starts a moment later, so the work does not compete
// with sending the response. Without a poller (serverless), the work is handed to Next's after():
// it runs once the response is sent, so it neither delays the response nor is cut off with it.
// after() throws outside request scope (scripts, tests, server.mjs's fast path): then the rows
// wait for the next cron run or request.
import "server-only";
import { after } from "next/server";
import { drainOutbox } from "./drain";
import { outboxWorkerRunning, runWorkerPasses } from "./worker";

/** Budget of a drain after a response: well inside a serverless function's time limit. */
const AFTER_RESPONSE_BUDGET_MS = 10_000;
/** A woken poller waits this long first, so a job's work does not compete with the response. */
const KICK_DELAY_MS = 20;

function afterResponse(task: () => Promise<unknown>): void {
  try {
    after(task);
  } catch {
    // Not in a request: nothing to wait for, and no platform that would cut the work off.
  }
}

/**
 * Delivers due rows of every queue soon, without waiting for it. Call it after the transaction
 * that queued a row commits (inside it, the row is not visible yet).
 */
export function kickOutbox(): void {
  if (outboxWorkerRunning()) {
    setTimeout(() => void runWorkerPasses(true), KICK_DELAY_MS).unref();
    return;
  }
  afterResponse(() => drainOutbox({ budgetMs: AFTER_RESPONSE_BUDGET_MS }));
}
