// The queues this process knows. Each domain registers its queue when its index.ts loads; the
// worker, the cron drain and the janitor go over all of them. On globalThis: Next.js may load a
// domain into several bundles of one process, and they must share one list (the last copy wins).
import "server-only";
import type { OutboxQueue, OutboxRow } from "./queue";

const registryKey = Symbol.for("portico.outbox.queues");
type Holder = { [registryKey]?: Map<string, OutboxQueue> };

function registry(): Map<string, OutboxQueue> {
  const holder = globalThis as Holder;
  return (holder[registryKey] ??= new Map());
}

export function registerOutboxQueue<Row extends OutboxRow>(queue: OutboxQueue<Row>): void {
  registry().set(queue.name, queue as unknown as OutboxQueue);
}

export function outboxQueues(): OutboxQueue[] {
  return [...registry().values()];
}
