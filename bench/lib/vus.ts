// Closed-loop virtual users written with plain fetch: each of `connections` users runs `iteration`
// back to back for warm-up + measured seconds. Like lib/load.ts, only iterations that complete inside
// the measured window count, and CPU counters are read at the window's two edges.
import type { Counters } from "./load";
import { FlowError, type StepTimes } from "./browser";

export interface VuResult {
  connections: number;
  seconds: number;
  /** Successful iterations completed in the window. */
  iterations: number;
  iterationsPerSec: number;
  /** Latency of a whole iteration (all of its requests). */
  p50Ms: number;
  p99Ms: number;
  /** Iterations that failed in the window, by reason. */
  failures: Record<string, number>;
  /** Mean ms per step over the successful iterations in the window, in first-seen order. */
  steps: [string, number][];
  serverCpuMs: number;
  extraCpuMs: number | null;
  benchCpuMs: number;
  /** Windows' monotonic edges (µs, the clock V8 CPU profiles use), to slice a profile. */
  windowUs: [number, number];
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export async function runVirtualUsers(opts: {
  connections: number;
  warmupSeconds: number;
  seconds: number;
  counters: Counters;
  /** One iteration for virtual user `vu`; throws (ideally a FlowError) when the result is wrong. */
  iteration: (vu: number) => Promise<StepTimes>;
}): Promise<VuResult> {
  let measuring = false;
  let stopping = false;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const stepTotals = new Map<string, { ms: number; n: number }>();
  let iterations = 0;

  const user = async (vu: number) => {
    while (!stopping) {
      const t0 = performance.now();
      let steps: StepTimes | null = null;
      let reason: string | null = null;
      try {
        steps = await opts.iteration(vu);
      } catch (e) {
        reason = e instanceof FlowError ? e.reason : `exception: ${(e as Error).message?.slice(0, 80)}`;
      }
      const ms = performance.now() - t0;
      if (!measuring) continue; // warm-up, or finished after the window closed
      latencies.push(ms);
      if (reason !== null) {
        failures[reason] = (failures[reason] ?? 0) + 1;
        continue;
      }
      iterations++;
      for (const [name, stepMs] of steps!) {
        const t = stepTotals.get(name) ?? { ms: 0, n: 0 };
        t.ms += stepMs;
        t.n++;
        stepTotals.set(name, t);
      }
    }
  };

  const snapshot = async (measureNow: boolean) => {
    const s = { t: performance.now(), us: monotonicUs(), server: opts.counters.serverCpuMs(), bench: process.cpuUsage() };
    measuring = measureNow;
    return { ...s, extra: opts.counters.extraCpuMs ? await opts.counters.extraCpuMs() : 0 };
  };

  const users = Array.from({ length: opts.connections }, (_, vu) => user(vu));
  await new Promise((r) => setTimeout(r, opts.warmupSeconds * 1000));
  const start = await snapshot(true);
  await new Promise((r) => setTimeout(r, opts.seconds * 1000 - (performance.now() - start.t)));
  const end = await snapshot(false);
  stopping = true;
  await Promise.all(users);

  const seconds = (end.t - start.t) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    connections: opts.connections,
    seconds,
    iterations,
    iterationsPerSec: iterations / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
    steps: [...stepTotals.entries()].map(([name, t]) => [name, t.ms / t.n]),
    serverCpuMs: end.server - start.server,
    extraCpuMs: opts.counters.extraCpuMs ? end.extra - start.extra : null,
    benchCpuMs: (end.bench.user + end.bench.system - start.bench.user - start.bench.system) / 1000,
    windowUs: [start.us, end.us],
  };
}
