// Drains every queue now, within a time budget: what the cron route and a request's after()
// callback run where no poller does (serverless). Queues drain side by side, so a slow SMTP
// server does not hold back a back-channel logout whose token expires in two minutes.
import "server-only";
import { drainOutboxQueue, type OutboxQueue, type PassResult } from "./queue";
import { outboxQueues } from "./registry";

export type DrainSummary = Record<string, PassResult>;

/**
 * Rounds over all queues until one finds nothing to do (work of one queue may queue work for
 * another: an account job queues a mail) or the budget is spent. A queue that fails (database
 * down) is logged and counted as nothing done; the others go on.
 */
export async function drainOutbox(opts: { budgetMs?: number; queues?: OutboxQueue[] } = {}): Promise<DrainSummary> {
  const deadline = Date.now() + (opts.budgetMs ?? 20_000);
  const summary: DrainSummary = {};
  for (;;) {
    const queues = opts.queues ?? outboxQueues();
    const results = await Promise.all(
      queues.map(async (q) => {
        try {
          return await drainOutboxQueue(q, { deadline });
        } catch (e) {
          console.warn(`[${q.name}] delivery pass failed: ${e instanceof Error ? e.message : String(e)}`);
          return { done: 0, failed: 0 };
        }
      }),
    );
    let worked = false;
    queues.forEach((q, i) => {
      const r = results[i] ?? { done: 0, failed: 0 };
      const s = (summary[q.name] ??= { done: 0, failed: 0 });
      s.done += r.done;
      s.failed += r.failed;
      if (r.done) worked = true;
    });
    if (!worked || Date.now() >= deadline) return summary;
  }
}
