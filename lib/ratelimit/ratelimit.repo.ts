// Counters in the RateLimiterFlexible table, on the direct SQL path (lib/db/sql.ts): every sign-in
// reads and moves several counters, and through Prisma each statement cost ~0.8 ms of CPU
// (bench/RESULTS.md); here each operation is one statement.
import "server-only";
import { getSql } from "@/lib/db";

/** A counter as stored: `expire` null means it never lapses. */
export interface CounterRow {
  points: number;
  expire: Date | null;
}

/** The live counter under `key`, or null when there is none or it has lapsed. */
export async function readCounter(key: string, now: Date): Promise<CounterRow | null> {
  const [row] = await (await getSql())<CounterRow>(
    `SELECT "points", "expire" FROM "RateLimiterFlexible" WHERE "key" = $1 AND ("expire" IS NULL OR "expire" > $2)`,
    [key, now],
  );
  return row ?? null;
}

/**
 * Adds `points` (negative to give back) in one atomic statement. A lapsed counter starts a new
 * window at `points` with `expire`; `restart` starts one whatever the counter held (a block).
 */
export async function addToCounter(key: string, points: number, expire: Date | null, now: Date, restart = false): Promise<CounterRow> {
  const [row] = await (await getSql())<CounterRow>(
    `INSERT INTO "RateLimiterFlexible" ("key", "points", "expire") VALUES ($1, $2, $3)
     ON CONFLICT ("key") DO UPDATE SET
       "points" = CASE WHEN $5 OR "RateLimiterFlexible"."expire" <= $4 THEN EXCLUDED."points" ELSE "RateLimiterFlexible"."points" + EXCLUDED."points" END,
       "expire" = CASE WHEN $5 OR "RateLimiterFlexible"."expire" <= $4 THEN EXCLUDED."expire" ELSE "RateLimiterFlexible"."expire" END
     RETURNING "points", "expire"`,
    [key, points, expire, now, restart],
  );
  return row!;
}

export async function deleteCounter(key: string): Promise<boolean> {
  const rows = await (await getSql())<{ key: string }>(`DELETE FROM "RateLimiterFlexible" WHERE "key" = $1 RETURNING "key"`, [key]);
  return rows.length > 0;
}

/** The janitor's sweep: counters that lapsed before `before`. */
export async function deleteCountersExpiredBefore(before: Date): Promise<number> {
  const rows = await (await getSql())<{ key: string }>(`DELETE FROM "RateLimiterFlexible" WHERE "expire" < $1 RETURNING "key"`, [before]);
  return rows.length;
}
