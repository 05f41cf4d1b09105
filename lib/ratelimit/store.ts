// Counters live in Redis when REDIS_URL is set (shared by every node, fast), else in the database
// (RateLimiterPrisma over the RateLimiterFlexible table), so throttling holds across restarts and nodes.
import "server-only";
import { RateLimiterPrisma, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { Redis } from "ioredis";
import { config, deriveKey } from "@/lib/config";
import { rateLimiterStoreClient } from "./ratelimit.repo";

export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

let redis: Redis | undefined;
function redisClient(url: string): Redis {
  redis ??= new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 2, lazyConnect: false });
  return redis;
}

export async function createLimiter(spec: LimiterSpec): Promise<RateLimiterAbstract> {
  const opts = {
    // A fingerprint of the secret in every key: deployments (and test runs) sharing one Redis never mix counters.
    keyPrefix: `portico:${deriveKey("ratelimit-namespace").toString("hex").slice(0, 8)}:${spec.keyPrefix}`,
    points: spec.points,
    duration: spec.durationSeconds,
    blockDuration: spec.blockSeconds ?? 0,
  };
  const url = config().REDIS_URL;
  if (url) return new RateLimiterRedis({ ...opts, storeClient: redisClient(url), useRedisPackage: false });
  return new RateLimiterPrisma({ ...opts, storeClient: await rateLimiterStoreClient(), clearExpiredByTimeout: true }); // deletes rows expired over 1 h, every 5 min (unref'd timer)
}

export async function closeRateLimitStore(): Promise<void> {
  await redis?.quit().catch(() => {});
  redis = undefined;
}
