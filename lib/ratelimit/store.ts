// Counters live in Redis when REDIS_URL is set (shared by every node, fast), else in the database
// (the RateLimiterFlexible table, lib/ratelimit/sql-limiter.ts), so throttling holds across restarts and nodes.
import "server-only";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { Redis } from "ioredis";
import { config, deriveKey } from "@/lib/config";
import { SqlLimiter, type Limiter } from "./sql-limiter";

export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

let redis: Redis | undefined;
function redisClient(url: string): Redis {
  redis ??= new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 2, lazyConnect: false });
  return redis;
}

export async function createLimiter(spec: LimiterSpec): Promise<Limiter> {
  const opts = {
    // A fingerprint of the secret in every key: deployments (and test runs) sharing one Redis never mix counters.
    keyPrefix: `portico:${deriveKey("ratelimit-namespace").toString("hex").slice(0, 8)}:${spec.keyPrefix}`,
    points: spec.points,
    duration: spec.durationSeconds,
  };
  const url = config().REDIS_URL;
  if (url) return new RateLimiterRedis({ ...opts, storeClient: redisClient(url), useRedisPackage: false });
  // Lapsed rows are swept by the janitor (sweepExpiredCounters).
  return new SqlLimiter(opts.keyPrefix, opts.points, opts.duration);
}

export async function closeRateLimitStore(): Promise<void> {
  await redis?.quit().catch(() => {});
  redis = undefined;
}
