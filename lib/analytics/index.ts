// Analytics for the console and the admin API: figures read from rollup tables kept up to date
// incrementally from the audit trail (rollup.ts), never from scanning it per view.
import "server-only";
import { fieldErrorsOf } from "@/lib/errors";
import { assertPermission, type Actor } from "@/lib/users";
import type { AdminApiScope } from "@/lib/applications";
import { PermissionError } from "@/lib/errors";
import { queryDashboard, type SeriesRow } from "./analytics.repo";
import { AnalyticsError } from "./analytics.errors";
import { analyticsQuerySchema, type AnalyticsQueryInput } from "./analytics.schema";
import { FUNNEL_STAGES, type Metric } from "./metrics";
import { resolveRange, type ResolvedRange } from "./range";
import { runRollup, type RollupResult } from "./rollup";
import { addDays, localDate } from "./time-zone";

export { AnalyticsError } from "./analytics.errors";
export type { ResolvedRange } from "./range";
export type { RollupResult } from "./rollup";

/** The janitor's pass (no actor: a system job). */
export function runAnalyticsRollup(opts: { now?: Date; maxBatches?: number; batchSize?: number } = {}): Promise<RollupResult> {
  return runRollup(opts);
}

/** "Update now" in the console: the same pass, on demand. */
export async function refreshAnalytics(actor: Actor): Promise<RollupResult> {
  assertPermission(actor, "analytics:read");
  return runRollup();
}

/** Values per dimension, aligned with the report's buckets. */
export type Series = { name: string; values: number[] }[];
export type Breakdown = { name: string; value: number }[];

export type AnalyticsReport = {
  range: { from: string; to: string; tz: string; granularity: "hour" | "day"; application: string | null; preset: string };
  /** Every audit event up to this id is counted; the rollup last ran then. */
  asOf: { lastEventId: string; updatedAt: string } | null;
  /** Hours as UTC instants ("2026-03-29T01:00:00Z"), or local dates of the zone. */
  buckets: string[];
  signIns: { succeeded: Series; failed: Series; throttled: Series };
  secondFactor: { succeeded: Series; failed: Series };
  registrations: { funnel: Breakdown; series: Series };
  risk: { decisions: Breakdown };
  countries: Breakdown;
  applications: Breakdown;
  tokensIssued: Breakdown;
  /** Distinct people per UTC day and UTC month (distinct counts do not re-bucket into other zones). */
  activeUsers: { daily: Breakdown; monthly: Breakdown };
  adoption: { day: string; totalUsers: number; withSecondFactor: number; withPasskey: number }[];
  /** The figures an application filter narrows (PER_APPLICATION_METRICS); the others are always for every application. */
  perApplication: string[];
};

/** The report's parts an application filter narrows (dashboard-queries.ts PER_APPLICATION_METRICS). */
const PER_APPLICATION = ["signIns", "risk", "countries", "tokensIssued"];
const TOP_COUNTRIES = 20;

/** The query parsed and resolved; AnalyticsError (with the field) for anything wrong. */
export function parseAnalyticsQuery(input: AnalyticsQueryInput, now = new Date()): ResolvedRange {
  const parsed = analyticsQuerySchema.safeParse(input);
  if (!parsed.success) {
    const [field, message] = Object.entries(fieldErrorsOf(parsed.error.issues))[0] ?? ["form", "Invalid query."];
    throw new AnalyticsError(message, field);
  }
  return resolveRange(parsed.data, now);
}

export async function getAnalytics(actor: Actor, input: AnalyticsQueryInput, now = new Date()): Promise<AnalyticsReport> {
  assertPermission(actor, "analytics:read");
  const range = parseAnalyticsQuery(input, now);
  return reportFor(range);
}

/** The admin API scope that reads these figures (an application allowed it: lib/applications). */
export const ANALYTICS_API_SCOPE = "portico:analytics" satisfies AdminApiScope;

/**
 * The admin API's read: an application (client_credentials, lib/oidc authenticateClientBearer)
 * whose token holds ANALYTICS_API_SCOPE, the scope standing for analytics:read.
 */
export async function getAnalyticsForClient(client: { clientId: string; scopes: readonly string[] }, input: AnalyticsQueryInput, now = new Date()): Promise<AnalyticsReport> {
  if (!client.scopes.includes(ANALYTICS_API_SCOPE)) throw new PermissionError("analytics:read");
  return reportFor(parseAnalyticsQuery(input, now));
}

async function reportFor(range: ResolvedRange): Promise<AnalyticsReport> {
  const application = range.application;
  const { series: all, daily, monthly, adoption, position } = await queryDashboard(range);
  const buckets = bucketsOf(range);
  const series = (metric: Metric, order: readonly string[] = []) => seriesOf(all, metric, buckets, order);
  const totals = (metric: Metric) => breakdownOf(all, metric);
  const risk = totals("risk.decision");
  return {
    range: { from: range.from.toISOString(), to: range.to.toISOString(), tz: range.tz, granularity: range.granularity, application: application || null, preset: range.preset },
    asOf: position ? { lastEventId: position.lastId, updatedAt: position.updatedAt.toISOString() } : null,
    buckets,
    signIns: { succeeded: series("signin.succeeded", ["password", "passkey", "federated"]), failed: series("signin.failed", ["password", "passkey"]), throttled: series("signin.throttled") },
    secondFactor: { succeeded: series("second_factor.succeeded"), failed: series("second_factor.failed") },
    registrations: {
      funnel: FUNNEL_STAGES.map((stage) => ({ name: stage, value: totals("registration").find((b) => b.name === stage)?.value ?? 0 })),
      series: series("registration", FUNNEL_STAGES),
    },
    risk: { decisions: risk },
    countries: totals("signin.country").slice(0, TOP_COUNTRIES),
    applications: totals("signin.application"),
    tokensIssued: totals("tokens.issued"),
    activeUsers: { daily: daily.map((d) => ({ name: d.bucket, value: d.value })), monthly: monthly.map((d) => ({ name: d.bucket.slice(0, 7), value: d.value })) },
    adoption,
    perApplication: PER_APPLICATION,
  };
}

function bucketsOf(range: ResolvedRange): string[] {
  const out: string[] = [];
  if (range.granularity === "hour") {
    for (let t = Math.floor(range.from.getTime() / 3_600_000) * 3_600_000; t < range.to.getTime(); t += 3_600_000) out.push(new Date(t).toISOString().replace(/\.000Z$/, "Z"));
    return out;
  }
  const last = localDate(new Date(range.to.getTime() - 1), range.tz);
  for (let d = localDate(range.from, range.tz); d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

function seriesOf(rows: SeriesRow[], metric: Metric, buckets: string[], order: readonly string[]): Series {
  const index = new Map(buckets.map((b, i) => [b, i]));
  const byName = new Map<string, number[]>(order.map((name) => [name, buckets.map(() => 0)]));
  for (const r of rows) {
    if (r.metric !== metric) continue;
    const i = index.get(r.bucket);
    if (i === undefined) continue;
    let values = byName.get(r.dimension);
    if (!values) byName.set(r.dimension, (values = buckets.map(() => 0)));
    values[i]! += r.value;
  }
  return [...byName.entries()].map(([name, values]) => ({ name, values }));
}

function breakdownOf(rows: SeriesRow[], metric: Metric): Breakdown {
  const sums = new Map<string, number>();
  for (const r of rows) if (r.metric === metric) sums.set(r.dimension, (sums.get(r.dimension) ?? 0) + r.value);
  return [...sums.entries()].map(([name, value]) => ({ name, value })).sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
}
