// The console's audit-log filter and retention setting (browser-safe: the GET form, the export
// link and the settings form are read with these). Times are UTC: the viewer says so beside the
// fields, and a value without an offset is read as UTC.
import { z } from "zod";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined));

/** "2026-12-14T09:30", "2026-12-14 09:30:15", "2026-12-14" or a full ISO time with an offset; no offset means UTC. */
const utcTime = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:\d{2})?$/.exec(v);
    const at = m ? new Date(`${m[1]}T${m[2] ?? "00:00"}${m[3] ?? "Z"}`) : null;
    if (!at || Number.isNaN(at.getTime())) {
      ctx.addIssue({ code: "custom", message: "A date and time such as 2026-12-14T09:30 (UTC)." });
      return z.NEVER;
    }
    return at;
  });

export const AUDIT_RESULTS = ["success", "failure"] as const;

export const auditFilterSchema = z
  .object({
    /** An account id, or an email address (the account it belongs to). */
    actor: optionalText(254),
    targetType: optionalText(32),
    targetId: optionalText(254),
    /** Exact ("user.created"), or a prefix ending with a dot ("user."). */
    action: optionalText(64).refine((v) => v === undefined || /^[a-z0-9_.:-]+$/i.test(v), "Letters, digits, dots, dashes and underscores, e.g. user. or login.failed."),
    result: z
      .enum(["", ...AUDIT_RESULTS])
      .optional()
      .transform((v) => (v ? v : undefined)),
    ip: optionalText(64),
    /** A client id. */
    application: optionalText(255),
    from: utcTime,
    to: utcTime,
  })
  .superRefine((f, ctx) => {
    // The type alone is no index range (a handful of values over the whole table): it qualifies an id.
    if (f.targetType && !f.targetId) ctx.addIssue({ code: "custom", path: ["targetId"], message: "Give the target's id with its type (for all events of a kind, filter by action, e.g. key.)." });
    if (f.from && f.to && f.from >= f.to) ctx.addIssue({ code: "custom", path: ["to"], message: "The end must be after the start." });
  });

export type AuditFilterInput = z.input<typeof auditFilterSchema>;
export type AuditFilter = z.output<typeof auditFilterSchema>;

export const AUDIT_FILTER_FIELDS = ["actor", "targetType", "targetId", "action", "result", "ip", "application", "from", "to"] as const;

export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;

/** "forever", or a number of days between 30 and 3650. */
export const auditRetentionSchema = z.object({
  retention: z.union([
    z.literal("forever"),
    z.coerce
      .number({ message: `A number of days, or forever.` })
      .int("Whole days.")
      .min(MIN_RETENTION_DAYS, `At least ${MIN_RETENTION_DAYS} days.`)
      .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days (ten years), or forever.`),
  ]),
});

export type AuditRetention = { days: number | null };
