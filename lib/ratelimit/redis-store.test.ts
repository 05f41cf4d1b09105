// Throttling on Redis (REDIS_URL), as multi-node deployments run it. vitest.config.ts includes this
// file only in runs that configure Redis (CI's PostgreSQL + Redis pass).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const redisUrl = vi.hoisted(() => {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error("redis-store.test.ts needs REDIS_URL");
  process.env.REDIS_URL = url;
  process.env.LOGIN_DELAY_AFTER = "2";
  return url;
});

import { Redis } from "ioredis";
import { useTestDatabase } from "@/test/db";
import { clearLoginThrottle, closeRateLimitStore, consumeLimit, recordLoginFailure, reserveLoginAttempt, type ThrottleVerdict } from "./index";

useTestDatabase();

describe("rate limits on Redis", () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    await closeRateLimitStore();
    await redis.quit();
  });

  it("keeps counters in Redis under a namespaced, address-free key", async () => {
    const spec = { keyPrefix: `test-${Date.now()}`, points: 2, durationSeconds: 60 };
    expect(await consumeLimit(spec, "k")).toBe(0);
    expect(await consumeLimit(spec, "k")).toBe(0);
    expect(await consumeLimit(spec, "k")).toBeGreaterThan(0);
    const keys = await redis.keys(`portico:*:${spec.keyPrefix}:k`);
    expect(keys).toHaveLength(1);
  });

  it("delays sign-in after repeated failures and clears on success", async () => {
    const email = `redis-${Date.now()}@example.com`;
    const reserve = () => reserveLoginAttempt(email, "198.51.100.7");
    const attempt = (v: ThrottleVerdict) => {
      if (!v.allowed) throw new Error(`refused: ${v.reason}`);
      return v.attempt;
    };
    expect(await recordLoginFailure(attempt(await reserve()))).toEqual({ failures: 1, lockedNow: false });
    expect(await recordLoginFailure(attempt(await reserve()))).toEqual({ failures: 2, lockedNow: false });
    expect(await reserve()).toMatchObject({ allowed: false, reason: "delayed", retryAfterSeconds: 1 });
    expect(await redis.keys(`portico:*:login-fail:*`)).not.toContainEqual(expect.stringContaining(email));
    await clearLoginThrottle(email);
    expect(await reserve()).toMatchObject({ allowed: true, attempt: { gated: false } });
  });
});
