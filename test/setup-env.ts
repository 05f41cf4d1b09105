// Unit and integration tests get a fixed secret and fast retry timings; the database is chosen
// per test file by test/db.ts (PGlite in memory, or a fresh schema on DATABASE_URL).
import crypto from "node:crypto";

// A fresh secret per test file: rate-limit keys in a shared Redis never collide between runs.
process.env.PORTICO_SECRET ??= crypto.randomBytes(32).toString("hex");
process.env.MAIL_RETRY_BASE_SECONDS ??= "1";
