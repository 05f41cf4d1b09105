// The slice of autocannon 8's API the benchmarks use (the package ships no types and
// @types/autocannon is not installed).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
  }

  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    "1xx": number;
    "2xx": number;
    "3xx": number;
    "4xx": number;
    "5xx": number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram & { total: number; sent: number };
  }

  /** One connection; emits "headers" ({ statusCode, headers: flat [name, value, ...] }) and
   *  "response" (statusCode, resBytes, responseTimeMs) for every response. */
  export interface Client extends EventEmitter {
    on(event: "headers", listener: (h: { statusCode: number; headers: string[] }) => void): this;
    on(event: "response", listener: (statusCode: number, resBytes: number, responseTime: number) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export interface Options {
    url: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    setupClient?: (client: Client) => void;
    /** Called with each response's body right after that connection's "response" event; false = mismatch. */
    verifyBody?: (body: string) => boolean;
  }

  export interface Instance extends EventEmitter {
    stop(): void;
  }

  function autocannon(opts: Options, cb: (err: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
