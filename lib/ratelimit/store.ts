// Counters live in Redis when REDIS_URL is set (shared by every node, fast), else in the database
// (the RateLimiterFlexible table, lib/ratelimit/sql-limiter.ts), so throttling holds across restarts and nodes.
import "server-only";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { Redis } from "ioredis";
import { config, redisNamespace } from "@/lib/config";
import { processSingleton } from "@/lib/process";
import { SqlLimiter, type Limiter } from "./sql-limiter";

export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

// One connection per process, whichever bundle asks first (lib/process).
const connection = processSingleton("ratelimit.redis", () => ({ current: undefined as Redis | undefined }));
function redisClient(url: string): Redis {
  connection.current ??= new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 2, lazyConnect: false });
  return connection.current;
}

export async function createLimiter(spec: LimiterSpec): Promise<Limiter> {
  const opts = {
    // A fingerprint of the secret in every key: deployments (and test runs) sharing one Redis never mix counters.
    keyPrefix: `${redisNamespace()}:${spec.keyPrefix}`,
    points: spec.points,
    duration: spec.durationSeconds,
  };
  const url = config().REDIS_URL;
  if (url) return new RateLimiterRedis({ ...opts, storeClient: redisClient(url), useRedisPackage: false });
  // Lapsed rows are swept by the janitor (sweepExpiredCounters).
  return new SqlLimiter(opts.keyPrefix, opts.points, opts.duration);
}

export async function closeRateLimitStore(): Promise<void> {
  const redis = connection.current;
  connection.current = undefined;
  await redis?.quit().catch(() => {});
}
