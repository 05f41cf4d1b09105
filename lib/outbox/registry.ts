// The queues this process knows. Each domain registers its queue when its index.ts loads; the
// worker, the cron drain and the janitor go over all of them. Process-wide (lib/process): Next.js may
// load a domain into several bundles of one process, and they must share one list (the last copy wins).
import "server-only";
import { processSingleton } from "@/lib/process";
import type { OutboxQueue, OutboxRow } from "./queue";

const queues = processSingleton("outbox.queues", () => new Map<string, OutboxQueue>());

function registry(): Map<string, OutboxQueue> {
  return queues;
}

export function registerOutboxQueue<Row extends OutboxRow>(queue: OutboxQueue<Row>): void {
  registry().set(queue.name, queue as unknown as OutboxQueue);
}

export function outboxQueues(): OutboxQueue[] {
  return [...registry().values()];
}
