// Throttling holds under concurrency on the Redis store (multi-node deployments). vitest.config.ts
// includes this file only in runs that configure Redis (CI's PostgreSQL + Redis pass).
import { afterAll, expect, it, vi } from "vitest";

const argon = vi.hoisted(() => {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error("redis-login-race.test.ts needs REDIS_URL");
  Object.assign(process.env, { REDIS_URL: url, LOGIN_DELAY_AFTER: "10", LOGIN_LOCK_AFTER: "10", LOGIN_IP_MAX_FAILURES: "12" });
  return { verifications: 0 };
});

vi.mock("@node-rs/argon2", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/argon2")>();
  return {
    ...real,
    verify: (hashed: string, password: string) => {
      argon.verifications++;
      return real.verify(hashed, password);
    },
  };
});

import { useTestDatabase } from "@/test/db";
import { describeLoginRace, RACE_ENV } from "@/test/login-race";
import { config } from "@/lib/config";
import { closeRateLimitStore } from "@/lib/ratelimit";

const t = useTestDatabase();
afterAll(() => closeRateLimitStore());

it("runs on Redis with the thresholds the race scenarios expect", () => {
  expect(config()).toMatchObject(Object.fromEntries(Object.entries(RACE_ENV).map(([k, v]) => [k, Number(v)])));
  expect(config().REDIS_URL).toBeTruthy();
});

describeLoginRace("Redis", t.db, () => argon.verifications);
