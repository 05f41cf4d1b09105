// A query's range as instants: presets end at the next hour (24 h) or the end of today in the
// zone; a date means that local day's start in `from` and its end in `to` (inclusive day).
import { AnalyticsError } from "./analytics.errors";
import type { AnalyticsQuery, Granularity, RangePreset } from "./analytics.schema";
import { addDays, isTimeZone, localDate, startOfLocalDay } from "./time-zone";

export type ResolvedRange = { preset: RangePreset; from: Date; to: Date; tz: string; granularity: Granularity; application: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Hourly points at most (31 days); any range at most 400 days. */
const MAX_HOURLY_MS = 31 * DAY;
const MAX_RANGE_MS = 400 * DAY;
const DAYS: Record<Exclude<RangePreset, "24h" | "custom">, number> = { "7d": 7, "30d": 30, "90d": 90 };

function instantOf(value: string, tz: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return startOfLocalDay(end ? addDays(value, 1) : value, tz);
  return new Date(value);
}

export function resolveRange(q: AnalyticsQuery, now = new Date()): ResolvedRange {
  if (!isTimeZone(q.tz)) throw new AnalyticsError("Unknown time zone: give an IANA name such as Europe/Berlin.", "tz");
  const preset: RangePreset = q.range ?? (q.from || q.to ? "custom" : "7d");
  let from: Date;
  let to: Date;
  if (preset === "custom") {
    if (!q.from) throw new AnalyticsError("Give the start of the range.", "from");
    if (!q.to) throw new AnalyticsError("Give the end of the range.", "to");
    from = instantOf(q.from, q.tz, false);
    to = instantOf(q.to, q.tz, true);
  } else if (preset === "24h") {
    to = new Date(Math.ceil(now.getTime() / HOUR) * HOUR);
    from = new Date(to.getTime() - DAY);
  } else {
    const tomorrow = addDays(localDate(now, q.tz), 1);
    to = startOfLocalDay(tomorrow, q.tz);
    from = startOfLocalDay(addDays(tomorrow, -DAYS[preset]), q.tz);
  }
  if (from >= to) throw new AnalyticsError("The end must come after the start.", "to");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new AnalyticsError("A range is at most 400 days.", "from");
  const granularity = q.granularity ?? (to.getTime() - from.getTime() <= 2 * DAY ? "hour" : "day");
  if (granularity === "hour" && to.getTime() - from.getTime() > MAX_HOURLY_MS) throw new AnalyticsError("Hourly figures cover at most 31 days: choose day.", "granularity");
  return { preset, from, to, tz: q.tz, granularity, application: q.application ?? "" };
}
