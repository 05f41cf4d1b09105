// The dashboard's statements as text and parameters, without a driver: analytics.repo.ts runs them,
// and the benchmark (bench/lib/admin-dashboard.ts) runs exactly the same ones against its own
// database. They read the rollup tables only.

export type Statement = { text: string; params: (string | readonly string[])[] };

/**
 * Every counter of `metrics` in [from, to), summed per bucket and dimension: hours as UTC instants,
 * or days of the zone `tz` (the local date of each hour's start). One index range per metric (the
 * primary key starts with metric, application, bucketStart).
 */
export function seriesStatement(q: { metrics: readonly string[]; application: string; from: Date; to: Date; tz: string; granularity: "hour" | "day" }): Statement {
  const bucket = q.granularity === "hour" ? `to_char("bucketStart" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:00:00"Z"')` : `to_char("bucketStart" AT TIME ZONE $5::text, 'YYYY-MM-DD')`;
  return {
    text: `SELECT "metric", ${bucket} AS bucket, "dimension", sum("value")::text AS value
       FROM "AnalyticsCounter"
      WHERE "metric" = ANY($1::text[]) AND "application" = $2 AND "bucketStart" >= $3::timestamptz AND "bucketStart" < $4::timestamptz
        AND $5::text IS NOT NULL
      GROUP BY 1, 2, 3`,
    params: [q.metrics, q.application, q.from.toISOString(), q.to.toISOString(), q.tz],
  };
}

/** Distinct people per UTC day or month (counters written when a person first shows up in one). */
export function activeStatement(metric: "active.daily" | "active.monthly", from: Date, to: Date): Statement {
  return {
    text: `SELECT to_char("bucketStart" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS bucket, sum("value")::text AS value
       FROM "AnalyticsCounter" WHERE "metric" = $1 AND "application" = '' AND "bucketStart" >= $2::timestamptz AND "bucketStart" < $3::timestamptz
      GROUP BY 1 ORDER BY 1`,
    params: [metric, from.toISOString(), to.toISOString()],
  };
}

export function adoptionStatement(from: Date, to: Date): Statement {
  return {
    text: `SELECT "day"::text AS day, "totalUsers", "withSecondFactor", "withPasskey" FROM "AnalyticsAdoption"
      WHERE "day" >= ($1::timestamptz AT TIME ZONE 'UTC')::date AND "day" <= ($2::timestamptz AT TIME ZONE 'UTC')::date ORDER BY "day"`,
    params: [from.toISOString(), to.toISOString()],
  };
}

export const POSITION_STATEMENT: Statement = { text: `SELECT "lastId"::text AS "lastId", "updatedAt" FROM "AnalyticsState" WHERE "id" = $1`, params: ["audit"] };

/** Totals over [from, to) per metric and dimension (the breakdowns: no bucket, so a handful of groups however long the range). */
export function totalsStatement(q: { metrics: readonly string[]; application: string; from: Date; to: Date }): Statement {
  return {
    text: `SELECT "metric", '' AS bucket, "dimension", sum("value")::text AS value
       FROM "AnalyticsCounter"
      WHERE "metric" = ANY($1::text[]) AND "application" = $2 AND "bucketStart" >= $3::timestamptz AND "bucketStart" < $4::timestamptz
      GROUP BY 1, 3`,
    params: [q.metrics, q.application, q.from.toISOString(), q.to.toISOString()],
  };
}

/**
 * The metrics drawn over time, and those shown as totals; the application filter narrows
 * PER_APPLICATION_METRICS (the events that name their application: sign-ins begun at its
 * /authorize, its risk decisions, its tokens). Second steps and registrations are always for all.
 */
export const SERIES_METRICS = ["signin.succeeded", "signin.failed", "signin.throttled", "second_factor.succeeded", "second_factor.failed", "registration"] as const;
export const TOTAL_METRICS = ["risk.decision", "signin.country", "signin.application", "tokens.issued"] as const;
export const PER_APPLICATION_METRICS = ["signin.succeeded", "signin.failed", "signin.throttled", "risk.decision", "signin.country", "tokens.issued"] as const;

/** Every statement one view of the dashboard runs (the page runs them at once); the series first. */
export function dashboardStatements(q: { application: string; from: Date; to: Date; tz: string; granularity: "hour" | "day" }): Statement[] {
  const monthStart = new Date(Date.UTC(q.from.getUTCFullYear(), q.from.getUTCMonth(), 1));
  const filtered = q.application !== "";
  const perApplication: readonly string[] = PER_APPLICATION_METRICS;
  const narrowed = (metrics: readonly string[]) => metrics.filter((m) => perApplication.includes(m));
  const forAll = (metrics: readonly string[]) => metrics.filter((m) => !perApplication.includes(m));
  return [
    ...(filtered
      ? [
          seriesStatement({ ...q, metrics: narrowed(SERIES_METRICS) }),
          seriesStatement({ ...q, application: "", metrics: forAll(SERIES_METRICS) }),
          totalsStatement({ ...q, metrics: narrowed(TOTAL_METRICS) }),
          totalsStatement({ ...q, application: "", metrics: forAll(TOTAL_METRICS) }),
        ]
      : [seriesStatement({ ...q, application: "", metrics: SERIES_METRICS }), totalsStatement({ ...q, metrics: TOTAL_METRICS })]),
    activeStatement("active.daily", q.from, q.to),
    activeStatement("active.monthly", monthStart, q.to),
    adoptionStatement(q.from, q.to),
    POSITION_STATEMENT,
  ];
}
