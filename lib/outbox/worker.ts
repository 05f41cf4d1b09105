// The in-process poller for long-running servers (a container running `node server.mjs`): every
// 2 s, and right after a kick, each queue drains in its own lane, so queues never wait for each
// other. One per process, shared by every bundle Next.js loads this module into. Serverless
// deployments run no poller: after() and the cron route (drain.ts) do its work.
import "server-only";
import { processSingleton } from "@/lib/process";
import { drainOutboxQueue, type OutboxQueue } from "./queue";
import { outboxQueues } from "./registry";

const POLL_INTERVAL_MS = 2000;

interface Lane {
  running: boolean;
  /** A kick arrived during a pass: run another one right after, so the new row is not left for the poll. */
  again: boolean;
}
interface Worker {
  timer?: NodeJS.Timeout;
  /** The queues it runs: given at start (tests), else every registered one at each pass. */
  queues?: OutboxQueue[];
  lanes: Map<string, Lane>;
}
// Process-wide (lib/process): Next.js may load this module into several bundles of one process.
const holder = processSingleton("outbox.worker", () => ({ worker: undefined as Worker | undefined }));

function currentWorker(): Worker | undefined {
  return holder.worker;
}

async function runLane(w: Worker, queue: OutboxQueue, kicked: boolean): Promise<void> {
  let lane = w.lanes.get(queue.name);
  if (!lane) w.lanes.set(queue.name, (lane = { running: false, again: false }));
  if (lane.running) {
    if (kicked) lane.again = true;
    return;
  }
  lane.running = true;
  try {
    do {
      lane.again = false;
      await drainOutboxQueue(queue);
    } while (lane.again);
  } catch (e) {
    console.warn(`[${queue.name}] delivery pass failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    lane.running = false;
  }
}

/** Runs every lane of the worker; resolves when those passes end. */
export async function runWorkerPasses(kicked: boolean): Promise<void> {
  const w = currentWorker();
  if (!w) return;
  await Promise.all((w.queues ?? outboxQueues()).map((q) => runLane(w, q, kicked)));
}

/** Starts polling. Idempotent per process: later calls keep the first worker. */
export function startOutboxWorker(opts: { intervalMs?: number; queues?: OutboxQueue[] } = {}): void {
  if (holder.worker) return;
  const w: Worker = { queues: opts.queues, lanes: new Map() };
  holder.worker = w;
  // unref: the poll alone must not keep a script or a test process alive.
  w.timer = setInterval(() => void runWorkerPasses(false), opts.intervalMs ?? POLL_INTERVAL_MS).unref();
}

export async function stopOutboxWorker(): Promise<void> {
  const w = holder.worker;
  if (!w) return;
  clearInterval(w.timer);
  holder.worker = undefined;
  while ([...w.lanes.values()].some((l) => l.running)) await new Promise((r) => setTimeout(r, 10));
}

export function outboxWorkerRunning(): boolean {
  return currentWorker() !== undefined;
}
