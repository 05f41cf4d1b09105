// Unit and integration tests get a fixed secret and fast retry timings; the database is chosen
// per test file by test/db.ts (PGlite in memory, or a fresh schema on DATABASE_URL).
import crypto from "node:crypto";

// A fresh secret per test file: rate-limit keys in a shared Redis never collide between runs.
process.env.PORTICO_SECRET ??= crypto.randomBytes(32).toString("hex");
process.env.MAIL_RETRY_BASE_SECONDS ??= "1";

// Integration tests inspect and rewind throttle counters in the database; the Redis store has its
// own test (lib/ratelimit/redis-store.test.ts), which picks the address up from TEST_REDIS_URL.
if (process.env.REDIS_URL) {
  process.env.TEST_REDIS_URL ??= process.env.REDIS_URL;
  delete process.env.REDIS_URL;
}
