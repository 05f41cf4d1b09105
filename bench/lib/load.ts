// One load level: autocannon keeps `connections` requests (sign-ins, or any fixed request judged by a
// `check` of status, headers and body) in flight for warm-up + measured seconds.
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

/** A fixed request, replayed as is on every connection. */
export interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** Is this response a success? Headers are a flat list of pairs (set-cookie may repeat). */
export type ResponseCheck = (status: number, headers: [string, string][], body: string) => boolean;

export interface LoadResult {
  connections: number;
  seconds: number;
  /** Successful responses completed in the window (sign-ins for bench:login). */
  signIns: number;
  signInsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses in the window that did not sign in (or failed `check`), by status (e.g. {"200": 3} = form
   *  re-rendered; "200 (wrong body)" when a check looked at the body). */
  failures: Record<string, number>;
  /** Socket errors and timeouts over the whole run, warm-up included. */
  errors: number;
  timeouts: number;
  serverCpuMs: number;
  extraCpuMs: number | null;
  benchCpuMs: number;
  /** The window's monotonic edges in µs (the clock of V8 CPU profiles, CLOCK_MONOTONIC on Linux). */
  windowUs: [number, number];
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runLoad(opts: {
  origin: string;
  /** bench:login: judge responses as sign-ins of this mode (headers only). */
  mode?: Mode;
  /** Or judge each response with this (the body is then kept and passed in). */
  check?: ResponseCheck;
  request: SignInRequest | LoadRequest;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  counters: Counters;
}): Promise<LoadResult> {
  let measuring = false;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let signIns = 0;
  if (!opts.check && !opts.mode) throw new Error("[bench] runLoad needs a mode or a check");
  const fail = (key: string) => (failures[key] = (failures[key] ?? 0) + 1);

  // Each connection remembers whether its current response signed in ("headers" precedes
  // "response" for the same response; no pipelining, so they pair up).
  // With a `check`, the verdict needs the body, which autocannon hands only to `verifyBody`. That
  // runs synchronously right after the same connection's "response" event (httpClient.js
  // kOnMessageComplete), so the response waiting in `pending` is always the one being verified.
  let pending: { status: number; headers: [string, string][] } | null = null;
  const setupClient = (client: Client) => {
    let ok = false;
    let status = 0;
    let pairs: [string, string][] = [];
    client.on("headers", ({ statusCode, headers }) => {
      pairs = [];
      for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i]!, headers[i + 1]!]);
      status = statusCode;
      if (!opts.check) ok = isSuccessfulSignIn(opts.mode!, statusCode, pairs);
    });
    client.on("response", (statusCode, _bytes, responseTime) => {
      if (!measuring) return;
      latencies.push(responseTime);
      if (opts.check) {
        pending = { status, headers: pairs };
        return;
      }
      if (ok) signIns++;
      else fail(String(statusCode));
    });
  };
  const verifyBody = (body: string): boolean => {
    const p = pending;
    pending = null;
    if (!p || !opts.check) return true; // outside the window (or no check): nothing to count
    let ok = false;
    try {
      ok = opts.check(p.status, p.headers, body);
    } catch {
      ok = false;
    }
    if (ok) signIns++;
    else fail(p.status >= 200 && p.status < 300 ? `${p.status} (wrong body)` : String(p.status));
    return true; // counted here; autocannon's own "mismatch" tally is not used
  };

  type Snapshot = { t: number; us: number; server: number; extra: number; bench: NodeJS.CpuUsage };
  // The synchronous reads and the flip of `measuring` happen in the same tick, so no response can
  // fall between them; only the PostgreSQL query (a few ms on an idle connection) comes after.
  const snapshot = async (measureNow: boolean): Promise<Snapshot> => {
    const s = { t: performance.now(), us: Number(process.hrtime.bigint() / 1000n), server: opts.counters.serverCpuMs(), bench: process.cpuUsage() };
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
        ...(opts.check ? { verifyBody } : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    const abort = (e: unknown) => {
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
          }, abort);
        }, opts.seconds * 1000);
      }, abort);
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
    windowUs: [windowStart.us, windowEnd.us],
  };
}
