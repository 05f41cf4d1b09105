import "server-only";
// The only SQL of analytics: the rollup's reads and upserts (one transaction per batch, with the
// watermark) and the dashboard's reads, which touch the rollup tables only, never AuditEvent scans.
import { getSql, withTransaction, type Tx } from "@/lib/db";
import { dashboardStatements } from "./dashboard-queries";
import type { Increment, RollupEvent } from "./metrics";

export type PendingId = { id: string; seenAt: string };
export type RollupState = { lastId: string; pending: PendingId[] };
export type CounterRow = Increment & { bucketStart: Date; value: number };

const STATE_ID = "audit";

/**
 * Runs `fn` in a transaction holding the rollup's state row locked (FOR UPDATE): concurrent runs
 * (several nodes' janitors, an on-demand run) queue here, and the second sees the first's watermark.
 */
export async function withLockedState<T>(fn: (tx: Tx, state: RollupState) => Promise<T>): Promise<T> {
  return withTransaction(async (tx) => {
    await tx.$executeRawUnsafe(`INSERT INTO "AnalyticsState" ("id") VALUES ($1) ON CONFLICT ("id") DO NOTHING`, STATE_ID);
    const [row] = await tx.$queryRawUnsafe<{ lastId: string; pending: PendingId[] }[]>(
      `SELECT "lastId"::text AS "lastId", "pending" FROM "AnalyticsState" WHERE "id" = $1 FOR UPDATE`,
      STATE_ID,
    );
    return fn(tx, { lastId: row!.lastId, pending: Array.isArray(row!.pending) ? row!.pending : [] });
  });
}

const EVENT_COLUMNS = `id::text AS id, extract(epoch FROM "createdAt")::float8 * 1000 AS "ms", "actorType", "actorId", "action", "targetId", "result",
  "details"->>'method' AS "method", "details"->>'reason' AS "reason", "details"->>'band' AS "band", "details"->>'action' AS "decision",
  "details"->>'country' AS "country", "details"->>'clientId' AS "clientId", "details"->>'grant' AS "grant"`;

/**
 * The events still pending (ids seen missing before) and the next `take` past the watermark, by
 * id. The ORDER BY names the table's column: a bare `id` would be the text output column and sort
 * "10" before "9".
 */
export async function readEventsAfter(tx: Tx, state: RollupState, take: number): Promise<RollupEvent[]> {
  const rows = await tx.$queryRawUnsafe<(Omit<RollupEvent, "createdAt"> & { ms: number })[]>(
    `(SELECT ${EVENT_COLUMNS} FROM "AuditEvent" WHERE id = ANY($1::bigint[]))
     UNION ALL
     (SELECT ${EVENT_COLUMNS} FROM "AuditEvent" WHERE id > $2::bigint ORDER BY "AuditEvent"."id" LIMIT $3)`,
    state.pending.map((p) => p.id),
    state.lastId,
    take,
  );
  return rows.map(({ ms, ...r }) => ({ ...r, createdAt: new Date(Number(ms)) }));
}

/** Adds the counts (value = value + excluded.value): one statement for the whole batch. */
export async function addToCounters(tx: Tx, rows: CounterRow[]): Promise<void> {
  if (!rows.length) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "AnalyticsCounter" ("bucketStart", "metric", "dimension", "application", "value")
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::bigint[])
     ON CONFLICT ("metric", "application", "bucketStart", "dimension") DO UPDATE SET "value" = "AnalyticsCounter"."value" + excluded."value"`,
    rows.map((r) => r.bucketStart.toISOString()),
    rows.map((r) => r.metric),
    rows.map((r) => r.dimension),
    rows.map((r) => r.application),
    rows.map((r) => String(r.value)),
  );
}

/**
 * Marks people active in a period; returns the (period, start) of the rows that were new, which
 * are the distinct people not yet counted for it.
 */
export async function markActive(tx: Tx, rows: { period: "day" | "month"; periodStart: Date; userId: string }[]): Promise<{ period: string; periodStart: Date }[]> {
  if (!rows.length) return [];
  const inserted = await tx.$queryRawUnsafe<{ period: string; ms: number }[]>(
    `INSERT INTO "AnalyticsActiveUser" ("period", "periodStart", "userId")
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[])
     ON CONFLICT DO NOTHING
     RETURNING "period", extract(epoch FROM "periodStart")::float8 * 1000 AS "ms"`,
    rows.map((r) => r.period),
    rows.map((r) => r.periodStart.toISOString()),
    rows.map((r) => r.userId),
  );
  return inserted.map((r) => ({ period: r.period, periodStart: new Date(Number(r.ms)) }));
}

export async function saveState(tx: Tx, state: RollupState): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE "AnalyticsState" SET "lastId" = $2::bigint, "pending" = $3::jsonb, "updatedAt" = now() AT TIME ZONE 'UTC' WHERE "id" = $1`,
    STATE_ID,
    state.lastId,
    JSON.stringify(state.pending),
  );
}

/** Periods over before `before` need no de-duplication any more: their counts are in the counters. */
export async function pruneActiveUsers(dayBefore: Date, monthBefore: Date): Promise<number> {
  const sql = await getSql();
  const rows = await sql<{ n: string }>(
    `WITH d AS (DELETE FROM "AnalyticsActiveUser" WHERE ("period" = 'day' AND "periodStart" < $1::timestamptz) OR ("period" = 'month' AND "periodStart" < $2::timestamptz) RETURNING 1)
     SELECT count(*)::text AS n FROM d`,
    [dayBefore.toISOString(), monthBefore.toISOString()],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Today's factor adoption, once per UTC day (a second call the same day changes nothing). */
export async function snapshotAdoption(day: string): Promise<boolean> {
  const sql = await getSql();
  const rows = await sql<{ day: string }>(
    `INSERT INTO "AnalyticsAdoption" ("day", "totalUsers", "withSecondFactor", "withPasskey", "takenAt")
     SELECT $1::date,
       (SELECT count(*) FROM "User"),
       (SELECT count(DISTINCT "userId") FROM "MfaFactor" WHERE "confirmedAt" IS NOT NULL),
       (SELECT count(DISTINCT "userId") FROM "MfaFactor" WHERE "confirmedAt" IS NOT NULL AND "type" = 'passkey'),
       now() AT TIME ZONE 'UTC'
     WHERE NOT EXISTS (SELECT 1 FROM "AnalyticsAdoption" WHERE "day" = $1::date)
     ON CONFLICT ("day") DO NOTHING
     RETURNING "day"::text AS day`,
    [day],
  );
  return rows.length > 0;
}

export type SeriesRow = { metric: string; bucket: string; dimension: string; value: number };
export type ActiveRow = { bucket: string; value: number };
export type AdoptionRow = { day: string; totalUsers: number; withSecondFactor: number; withPasskey: number };

/**
 * One view of the dashboard: dashboard-queries.ts's statements at once (the pool runs them in
 * parallel on PostgreSQL), parsed.
 */
export async function queryDashboard(q: { application: string; from: Date; to: Date; tz: string; granularity: "hour" | "day" }): Promise<{
  series: SeriesRow[];
  daily: ActiveRow[];
  monthly: ActiveRow[];
  adoption: AdoptionRow[];
  position: { lastId: string; updatedAt: Date } | null;
}> {
  const sql = await getSql();
  const statements = dashboardStatements(q);
  const results = await Promise.all(statements.map((st) => sql<Record<string, unknown>>(st.text, st.params)));
  const seriesCount = statements.length - 4;
  const counted = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, value: Number(r.value) }));
  const [daily, monthly, adoption, position] = results.slice(seriesCount) as [Record<string, unknown>[], Record<string, unknown>[], AdoptionRow[], { lastId: string; updatedAt: Date }[]];
  return {
    series: results.slice(0, seriesCount).flatMap(counted) as SeriesRow[],
    daily: counted(daily) as ActiveRow[],
    monthly: counted(monthly) as ActiveRow[],
    adoption,
    position: position[0] ?? null,
  };
}
