// One load level: autocannon keeps `connections` sign-ins in flight for warm-up + measured seconds.
// Numbers come only from the measured window, taken in steady state: the CPU counters are read at
// its two edges and only responses completed inside it count, so neither the ramp-up nor requests
// cut off at the end skew "CPU per sign-in".
import autocannon, { type Client, type Result } from "autocannon";
import type { Mode, SignInRequest } from "./server-action";
import { isSuccessfulSignIn } from "./server-action";

export interface Counters {
  /** Server process CPU ms so far. */
  serverCpuMs: () => number;
  /** Other CPU worth reporting (e.g. PostgreSQL backends), ms so far. */
  extraCpuMs?: () => Promise<number>;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  signIns: number;
  signInsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses in the window that did not sign in, by status (e.g. {"200": 3} = form re-rendered). */
  failures: Record<string, number>;
  /** Socket errors and timeouts over the whole run, warm-up included. */
  errors: number;
  timeouts: number;
  serverCpuMs: number;
  extraCpuMs: number | null;
  benchCpuMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runLoad(opts: {
  origin: string;
  mode: Mode;
  request: SignInRequest;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  counters: Counters;
}): Promise<LoadResult> {
  let measuring = false;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let signIns = 0;

  // Each connection remembers whether its current response signed in ("headers" precedes
  // "response" for the same response; no pipelining, so they pair up).
  const setupClient = (client: Client) => {
    let ok = false;
    client.on("headers", ({ statusCode, headers }) => {
      const pairs: [string, string][] = [];
      for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i]!, headers[i + 1]!]);
      ok = isSuccessfulSignIn(opts.mode, statusCode, pairs);
    });
    client.on("response", (statusCode, _bytes, responseTime) => {
      if (!measuring) return;
      latencies.push(responseTime);
      if (ok) signIns++;
      else failures[String(statusCode)] = (failures[String(statusCode)] ?? 0) + 1;
    });
  };

  type Snapshot = { t: number; server: number; extra: number; bench: NodeJS.CpuUsage };
  // The synchronous reads and the flip of `measuring` happen in the same tick, so no response can
  // fall between them; only the PostgreSQL query (a few ms on an idle connection) comes after.
  const snapshot = async (measureNow: boolean): Promise<Snapshot> => {
    const s = { t: performance.now(), server: opts.counters.serverCpuMs(), bench: process.cpuUsage() };
    measuring = measureNow;
    return { ...s, extra: opts.counters.extraCpuMs ? await opts.counters.extraCpuMs() : 0 };
  };
  let windowStart: Snapshot | undefined;
  let windowEnd: Snapshot | undefined;

  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.origin + opts.request.path,
        method: opts.request.method,
        headers: opts.request.headers,
        body: opts.request.body,
        connections: opts.connections,
        pipelining: 1,
        // Longer than we need: we stop it ourselves when the window closes.
        duration: opts.warmupSeconds + opts.seconds + 30,
        timeout: 60,
        setupClient,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    const fail = (e: unknown) => {
      instance.stop();
      reject(e);
    };
    setTimeout(() => {
      snapshot(true).then((s) => {
        windowStart = s;
        setTimeout(() => {
          snapshot(false).then((e) => {
            windowEnd = e;
            instance.stop();
          }, fail);
        }, opts.seconds * 1000);
      }, fail);
    }, opts.warmupSeconds * 1000);
  });

  if (!windowStart || !windowEnd) throw new Error("[bench] autocannon ended before the measured window closed");
  const seconds = (windowEnd.t - windowStart.t) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    connections: opts.connections,
    seconds,
    signIns,
    signInsPerSec: signIns / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
    errors: result.errors,
    timeouts: result.timeouts,
    serverCpuMs: windowEnd.server - windowStart.server,
    extraCpuMs: opts.counters.extraCpuMs ? windowEnd.extra - windowStart.extra : null,
    benchCpuMs: (windowEnd.bench.user + windowEnd.bench.system - windowStart.bench.user - windowStart.bench.system) / 1000,
  };
}
