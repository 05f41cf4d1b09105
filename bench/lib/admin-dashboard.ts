// The analytics dashboard's reads for the admin benchmark: `dashboardCases` run exactly the
// statements one view of /admin/analytics runs (lib/analytics/dashboard-queries.ts) for a 30-day
// range; `seedAnalytics` fills the rollup tables as a year of activity at a given scale would
// (the dashboard reads nothing else: no AuditEvent scan). The caller owns the database and the timing.
import { dashboardStatements } from "@/lib/analytics/dashboard-queries";
import { getAnalytics } from "@/lib/analytics";
import type { AnalyticsQueryInput } from "@/lib/analytics/analytics.schema";
import { getSql } from "@/lib/db";
import type { AdminBenchSection } from "./admin-cases";

export type BenchSql = (text: string, params?: unknown[]) => Promise<unknown[]>;

const DAY = 86_400_000;

/** A 30-day range ending at the next UTC midnight (what "Last 30 days" asks in UTC). */
function last30Days(now = new Date()): { from: Date; to: Date } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return { from: new Date(to.getTime() - 30 * DAY), to };
}

async function view(sql: BenchSql, q: { application: string; tz: string; granularity: "hour" | "day"; from: Date; to: Date }): Promise<void> {
  await Promise.all(dashboardStatements(q).map((st) => sql(st.text, st.params as unknown[])));
}

export const dashboardCases: { name: string; run: (sql: BenchSql) => Promise<void> }[] = [
  { name: "analytics 30 d by day, all applications, UTC", run: (sql) => view(sql, { ...last30Days(), application: "", tz: "UTC", granularity: "day" }) },
  { name: "analytics 30 d by day, all applications, Europe/Berlin", run: (sql) => view(sql, { ...last30Days(), application: "", tz: "Europe/Berlin", granularity: "day" }) },
  { name: "analytics 30 d by day, one application", run: (sql) => view(sql, { ...last30Days(), application: "bench-app-1", tz: "UTC", granularity: "day" }) },
  { name: "analytics 30 d by hour, all applications", run: (sql) => view(sql, { ...last30Days(), application: "", tz: "UTC", granularity: "hour" }) },
];

const APPLICATIONS = Array.from({ length: 10 }, (_, i) => `bench-app-${i + 1}`);
const COUNTRIES = "US DE FR GB IN BR JP CA ES IT NL PL SE MX AU KR TR ID AR ZA NG EG CH BE AT DK NO FI IE PT CZ RO HU GR IL AE SA SG MY TH VN PH PK BD UA RU CN TW HK NZ CL CO PE KE MA TN DZ LT LV EE".split(" ");

/** metric, dimensions, share of the hour's events each dimension gets, counted per application too. */
const SHAPE: { metric: string; dims: string[]; share: number; perApplication: boolean }[] = [
  { metric: "signin.succeeded", dims: ["password", "passkey", "federated"], share: 0.3, perApplication: false },
  { metric: "signin.failed", dims: ["password", "passkey"], share: 0.05, perApplication: false },
  { metric: "signin.throttled", dims: ["password"], share: 0.01, perApplication: false },
  { metric: "second_factor.succeeded", dims: ["totp", "sms", "email", "passkey", "recovery", "trusted_device"], share: 0.1, perApplication: false },
  { metric: "second_factor.failed", dims: ["totp", "sms", "email", "passkey"], share: 0.01, perApplication: false },
  { metric: "registration", dims: ["started", "captcha_passed", "submitted", "verified"], share: 0.02, perApplication: false },
  { metric: "risk.decision", dims: ["low:allow", "medium:mfa", "medium:allow", "high:strong_mfa", "high:deny", "high:lock", "medium:reset_password", "low:mfa"], share: 0.3, perApplication: true },
  { metric: "signin.country", dims: COUNTRIES, share: 0.3, perApplication: true },
  { metric: "signin.application", dims: ["(portal)", ...APPLICATIONS], share: 0.3, perApplication: false },
  { metric: "tokens.issued", dims: ["authorization_code", "device_code"], share: 0.2, perApplication: true },
];

/**
 * A year of hourly counters up to now for `users` accounts and `events` audit events in that year
 * (daily rhythm, noise, every dimension present each hour: the worst case for row counts), the
 * active-user counters and the de-duplication rows a rollup keeps (today's and this month's), and
 * a daily adoption snapshot. Everything is generated inside PostgreSQL (generate_series).
 */
export async function seedAnalytics(sql: BenchSql, scale: { users: number; events: number }): Promise<void> {
  const now = new Date();
  const end = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const start = new Date(end.getTime() - 365 * DAY);
  const perHour = scale.events / (365 * 24);
  for (const s of SHAPE) {
    const apps = s.perApplication ? ["", ...APPLICATIONS] : [""];
    await sql(
      `INSERT INTO "AnalyticsCounter" ("bucketStart", "metric", "dimension", "application", "value")
       SELECT h, $1, d, a, greatest(0, round($2::float8 * (1 + 0.6 * sin(extract(hour FROM h) / 24.0 * 2 * pi())) * (0.5 + random()) / (CASE WHEN a = '' THEN 1 ELSE 10 END)))::bigint
         FROM generate_series($3::timestamptz, $4::timestamptz, interval '1 hour') AS h, unnest($5::text[]) AS d, unnest($6::text[]) AS a
       ON CONFLICT DO NOTHING`,
      [s.metric, (perHour * s.share) / s.dims.length, start.toISOString(), end.toISOString(), s.dims, apps],
    );
  }
  // Active people: about a tenth of the accounts each day, four tenths each month.
  await sql(
    `INSERT INTO "AnalyticsCounter" ("bucketStart", "metric", "dimension", "application", "value")
     SELECT d, 'active.daily', '', '', round($1::float8 * 0.1 * (0.8 + 0.4 * random()))::bigint FROM generate_series(date_trunc('day', $2::timestamptz), $3::timestamptz, interval '1 day') AS d
     UNION ALL
     SELECT m, 'active.monthly', '', '', round($1::float8 * 0.4 * (0.8 + 0.4 * random()))::bigint FROM generate_series(date_trunc('month', $2::timestamptz), $3::timestamptz, interval '1 month') AS m
     ON CONFLICT DO NOTHING`,
    [scale.users, start.toISOString(), end.toISOString()],
  );
  await sql(
    `INSERT INTO "AnalyticsActiveUser" ("period", "periodStart", "userId")
     SELECT 'day', date_trunc('day', now()), md5(i::text) FROM generate_series(1, $1::int) AS i
     UNION ALL
     SELECT 'month', date_trunc('month', now()), md5(i::text) FROM generate_series(1, $2::int) AS i
     ON CONFLICT DO NOTHING`,
    [Math.round(scale.users * 0.1), Math.round(scale.users * 0.4)],
  );
  await sql(
    `INSERT INTO "AnalyticsAdoption" ("day", "totalUsers", "withSecondFactor", "withPasskey")
     SELECT d::date, $1::int, round($1::float8 * (0.2 + 0.2 * n / 365.0))::int, round($1::float8 * (0.05 + 0.15 * n / 365.0))::int
       FROM generate_series(0, 365) AS n, LATERAL (SELECT ($2::timestamptz + n * interval '1 day') AS d) x
     ON CONFLICT DO NOTHING`,
    [scale.users, start.toISOString()],
  );
  // The counters stand for the audit events already there: the rollup goes on from the newest.
  await sql(`INSERT INTO "AnalyticsState" ("id", "lastId") SELECT 'audit', coalesce(max(id), 0) FROM "AuditEvent" ON CONFLICT ("id") DO UPDATE SET "lastId" = excluded."lastId", "pending" = '[]'`);
  await sql(`ANALYZE "AnalyticsCounter"`);
}

/**
 * bench:admin's section: the rollup tables seeded for the population size (a year, 30 audit events
 * per customer), then one dashboard view as /admin/analytics renders it (lib/analytics
 * getAnalytics, the same statements as dashboardCases) for each range the page offers most.
 */
export const section: AdminBenchSection = async (ctx) => {
  const sql: BenchSql = async (text, params) => (await getSql())(text, params as never);
  await sql(`TRUNCATE "AnalyticsCounter", "AnalyticsActiveUser", "AnalyticsAdoption"`);
  await seedAnalytics(sql, { users: ctx.users, events: ctx.users * 30 });
  const views: [string, AnalyticsQueryInput][] = [
    ["dashboard 30 d by day, UTC", { range: "30d", granularity: "day" }],
    ["dashboard 30 d by day, Europe/Berlin", { range: "30d", granularity: "day", tz: "Europe/Berlin" }],
    ["dashboard 30 d by day, one application", { range: "30d", granularity: "day", application: "bench-app-1" }],
    ["dashboard 7 d by hour", { range: "7d", granularity: "hour" }],
  ];
  return views.map(([name, query]) => ({ name, run: () => getAnalytics(ctx.actor, query, ctx.now) }));
};
