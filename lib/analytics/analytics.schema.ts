// The dashboard's and the admin API's query: a time range (a preset, or from/to), a time zone, a
// granularity and an application. Browser-safe (zod only); resolveRange (range.ts) turns it into instants.
import { z } from "zod";

export const RANGE_PRESETS = ["24h", "7d", "30d", "90d", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const GRANULARITIES = ["hour", "day"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** A calendar date, or an instant with its offset (RFC 3339 §5.6). */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const dateOrInstant = z
  .string()
  .trim()
  .refine((v) => (DATE.test(v) || INSTANT.test(v)) && !Number.isNaN(Date.parse(DATE.test(v) ? `${v}T00:00:00Z` : v)), { message: "Give a date (YYYY-MM-DD) or a date and time with its offset (RFC 3339)." });

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const analyticsQuerySchema = z.object({
  range: z.preprocess(blankToUndefined, z.enum(RANGE_PRESETS, { error: "Choose 24h, 7d, 30d, 90d or custom." }).optional()),
  from: z.preprocess(blankToUndefined, dateOrInstant.optional()),
  to: z.preprocess(blankToUndefined, dateOrInstant.optional()),
  tz: z.preprocess(blankToUndefined, z.string().trim().max(64, "A time zone name is at most 64 characters.").default("UTC")),
  granularity: z.preprocess(blankToUndefined, z.enum(GRANULARITIES, { error: "Choose hour or day." }).optional()),
  application: z.preprocess(blankToUndefined, z.string().trim().max(100, "A client id is at most 100 characters.").optional()),
});
export type AnalyticsQueryInput = z.input<typeof analyticsQuerySchema>;
export type AnalyticsQuery = z.output<typeof analyticsQuerySchema>;
