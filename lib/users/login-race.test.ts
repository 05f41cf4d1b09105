// Throttling holds under concurrency on the database store (PGlite by default, PostgreSQL when
// DATABASE_URL is set): each attempt is reserved atomically before its password is verified.
import { vi } from "vitest";

// config() reads the environment once, at its first call: fix the thresholds before anything runs.
const argon = vi.hoisted(() => {
  Object.assign(process.env, { LOGIN_DELAY_AFTER: "10", LOGIN_LOCK_AFTER: "10", LOGIN_IP_MAX_FAILURES: "12" });
  return { verifications: 0 };
});

// The real argon2, counting every verification (a wrong password, or the dummy hash of an unknown email).
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

import { useTestDatabase, usingPostgres } from "@/test/db";
import { describeLoginRace, RACE_ENV } from "@/test/login-race";
import { config } from "@/lib/config";
import { expect, it } from "vitest";

const t = useTestDatabase();

it("runs with the thresholds the race scenarios expect", () => {
  expect(config()).toMatchObject(Object.fromEntries(Object.entries(RACE_ENV).map(([k, v]) => [k, Number(v)])));
  expect(config().REDIS_URL).toBeUndefined();
});

describeLoginRace(usingPostgres ? "PostgreSQL" : "PGlite", t.db, () => argon.verifications);
