// The database limiter must answer as rate-limiter-flexible's did: login throttling reads
// consumedPoints, msBeforeNext and the rejection of consume (lib/ratelimit/login-throttle.ts).
import { describe, expect, it } from "vitest";
import { RateLimiterRes } from "rate-limiter-flexible";
import { useTestDatabase } from "@/test/db";
import { SqlLimiter } from "./sql-limiter";
import { readCounter } from "./ratelimit.repo";
import { sweepExpiredCounters } from "./sweep";

useTestDatabase();

const limiter = (points: number, seconds: number) => new SqlLimiter(`test-${Math.random().toString(36).slice(2)}`, points, seconds);

describe("SqlLimiter", () => {
  it("consumes up to its points, then rejects with the time left in the window", async () => {
    const l = limiter(2, 60);
    expect((await l.consume("k")).consumedPoints).toBe(1);
    expect((await l.consume("k")).remainingPoints).toBe(0);
    const refused = await l.consume("k").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect((refused as RateLimiterRes).consumedPoints).toBe(3);
    expect((refused as RateLimiterRes).msBeforeNext).toBeGreaterThan(55_000);
    expect((await l.get("other"))).toBeNull();
  });

  it("starts a new window once the old one lapsed", async () => {
    const l = limiter(1, 1);
    await l.consume("k", 1, { customDuration: 1 });
    await expect(l.consume("k")).rejects.toBeInstanceOf(RateLimiterRes);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await l.get("k")).toBeNull();
    const fresh = await l.consume("k");
    expect(fresh.consumedPoints).toBe(1);
    expect(fresh.isFirstInDuration).toBe(true);
  });

  it("gives points back, adds penalties, blocks past the points and deletes", async () => {
    const l = limiter(5, 60);
    await l.penalty("k", 3);
    expect((await l.reward("k", 1)).consumedPoints).toBe(2);
    const blocked = await l.block("k", 30);
    expect(blocked.consumedPoints).toBe(6);
    expect(blocked.msBeforeNext).toBeLessThanOrEqual(30_000);
    expect(blocked.msBeforeNext).toBeGreaterThan(25_000);
    expect(await l.delete("k")).toBe(true);
    expect(await l.delete("k")).toBe(false);
    expect(await l.get("k")).toBeNull();
  });

  it("the janitor sweeps counters that lapsed over an hour ago, and only those", async () => {
    const l = limiter(5, 1);
    await l.consume("old");
    await l.consume("live", 1, { customDuration: 3 * 3600 });
    const later = new Date(Date.now() + 2 * 3600_000);
    expect(await sweepExpiredCounters(later)).toBeGreaterThanOrEqual(1);
    expect(await readCounter(`${(l as unknown as { keyPrefix: string }).keyPrefix}:old`, new Date(0))).toBeNull();
    expect(await readCounter(`${(l as unknown as { keyPrefix: string }).keyPrefix}:live`, new Date())).not.toBeNull();
  });
});
