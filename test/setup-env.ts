// Unit and integration tests get a fixed secret and fast retry timings; the database is chosen
// per test file by test/db.ts (PGlite in memory, or a fresh schema on DATABASE_URL).
process.env.PORTICO_SECRET ??= "0".repeat(62) + "42";
process.env.MAIL_RETRY_BASE_SECONDS ??= "1";
