// The console's audit log: browse, read one event, export a range, and the retention with its
// purge. lib/audit is the bottom layer every domain writes to and imports no other domain, so the
// permission checks live here, one layer up: every function an administrator calls takes the actor
// and asserts its permission (audit:read, audit:export, audit:retention) before touching the log.
import "server-only";
import {
  auditLogBatches,
  findAuditEvent,
  isEventId,
  MIN_AUDIT_RETENTION_DAYS,
  purgeAuditEventsBefore,
  readAuditLog,
  recordAudit,
  type AuditLogPage,
  type AuditLogQuery,
  type AuditLogRow,
  type RequestContext,
} from "@/lib/audit";
import { assertPermission, userIdByEmailForAdmin, type Actor } from "@/lib/users";
import { auditFilterSchema, auditRetentionSchema, AUDIT_FILTER_FIELDS, type AuditFilter, type AuditRetention } from "./audit-admin.schema";
import { AuditAdminError } from "./audit-admin.errors";
import { readRetentionDays, withTransaction, writeRetentionDays } from "./audit-settings.repo";
import { CSV_HEADER, csvLine, EXPORT_MEDIA_TYPES, jsonLine, type ExportFormat } from "./export-format";

export { AuditAdminError } from "./audit-admin.errors";
export type { AuditFilter, AuditRetention } from "./audit-admin.schema";
export type { AuditLogPage, AuditLogRow } from "@/lib/audit";
export type { ExportFormat } from "./export-format";
export { EXPORT_MEDIA_TYPES, csvField } from "./export-format";

/** The filter from a query string (the viewer's GET form, the export link): the filter, or messages by field. */
export function parseAuditFilter(input: Record<string, string | string[] | undefined>): { ok: true; filter: AuditFilter } | { ok: false; fieldErrors: Record<string, string> } {
  const single: Record<string, string | undefined> = {};
  for (const key of AUDIT_FILTER_FIELDS) {
    const v = input[key];
    single[key] = Array.isArray(v) ? v[0] : v;
  }
  const parsed = auditFilterSchema.safeParse(single);
  if (parsed.success) return { ok: true, filter: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
  return { ok: false, fieldErrors };
}

/** The filter as the log reads it; null when it matches nothing (an address no account has). */
async function queryOf(actor: Actor, f: AuditFilter): Promise<AuditLogQuery | null> {
  let actorId = f.actor;
  if (actorId?.includes("@")) {
    actorId = (await userIdByEmailForAdmin(actor, actorId)) ?? undefined;
    if (!actorId) return null;
  }
  return { actorId, targetType: f.targetType, targetId: f.targetId, action: f.action, result: f.result, ip: f.ip, clientId: f.application, from: f.from, to: f.to };
}


/** A page of the log, newest first (audit:read). `before`/`after`: the cursors of the page links. */
export async function browseAuditLog(actor: Actor, filter: AuditFilter, page: { before?: string; after?: string; take?: number } = {}): Promise<AuditLogPage> {
  assertPermission(actor, "audit:read");
  const query = await queryOf(actor, filter);
  if (!query) return { events: [], older: null, newer: null };
  const before = page.before && isEventId(page.before) ? page.before : undefined;
  const after = !before && page.after && isEventId(page.after) ? page.after : undefined;
  return readAuditLog(query, { before, after, take: page.take ?? 50 });
}

/** One event in full (audit:read); null when there is none with that id. */
export async function auditEventForAdmin(actor: Actor, id: string): Promise<AuditLogRow | null> {
  assertPermission(actor, "audit:read");
  return findAuditEvent(id);
}

export type AuditExport = { filename: string; contentType: string; body: ReadableStream<Uint8Array> };

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(/:/g, "").replace(/-/g, "") + "Z";

/** portico-audit_20261214T0930Z_20261215T0000Z.csv: the range in the name (UTC), "start" or the time of export where open. */
function exportFilename(filter: AuditFilter, format: ExportFormat, now: Date): string {
  return `portico-audit_${filter.from ? stamp(filter.from) : "start"}_${stamp(filter.to ?? now)}.${format}`;
}

/** The filter as the audit event records it (times as ISO strings, unset fields left out). */
function filterDetails(f: AuditFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v instanceof Date ? v.toISOString() : String(v);
  return out;
}

/**
 * The events of `filter`, oldest first, as a stream (audit:export): read 1,000 at a time by keyset
 * (lib/audit auditLogBatches) as the client takes them, never the whole range in memory. The export
 * is audited (audit.exported, with the filter) before the first byte.
 */
export async function exportAuditLog(actor: Actor, filter: AuditFilter, format: ExportFormat, ctx: RequestContext, opts: { batchSize?: number; now?: Date } = {}): Promise<AuditExport> {
  assertPermission(actor, "audit:export");
  if (format !== "jsonl" && format !== "csv") throw new AuditAdminError("invalid_input", "The format is jsonl or csv.", "format");
  const query = await queryOf(actor, filter);
  await recordAudit({ actor: { type: "user", id: actor.id }, action: "audit.exported", target: { type: "audit_log", id: "events" }, result: "success", context: ctx, details: { format, filter: filterDetails(filter) } });
  const batches = query ? auditLogBatches(query, opts.batchSize ?? 1000) : null;
  const encoder = new TextEncoder();
  const line = format === "csv" ? csvLine : jsonLine;
  let headerSent = format !== "csv";
  const body = new ReadableStream<Uint8Array>({
    // pull: the next batch is read only when the client has taken the last one (backpressure).
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(CSV_HEADER));
        return;
      }
      const next = batches ? await batches.next() : { done: true as const, value: undefined };
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map(line).join("")));
    },
    async cancel() {
      await batches?.return(undefined);
    },
  });
  return { filename: exportFilename(filter, format, opts.now ?? new Date()), contentType: EXPORT_MEDIA_TYPES[format], body };
}

/** How long events are kept (audit:read): null days is forever. */
export async function auditRetention(actor: Actor): Promise<AuditRetention> {
  assertPermission(actor, "audit:read");
  return { days: await readRetentionDays() };
}

/** Changes the retention (audit:retention): 30 to 3650 days, or "forever"; audited with before and after. */
export async function setAuditRetention(actor: Actor, input: unknown, ctx: RequestContext): Promise<AuditRetention> {
  assertPermission(actor, "audit:retention");
  const parsed = auditRetentionSchema.safeParse(input);
  if (!parsed.success) throw new AuditAdminError("invalid_input", parsed.error.issues[0]!.message, "retention");
  const days = parsed.data.retention === "forever" ? null : parsed.data.retention;
  await withTransaction(async (tx) => {
    const before = await writeRetentionDays(days, actor.id, tx);
    await recordAudit({ actor: { type: "user", id: actor.id }, action: "audit.retention_changed", target: { type: "audit_log", id: "retention" }, result: "success", context: ctx, details: { beforeDays: before, afterDays: days } }, tx);
  });
  return { days };
}

/**
 * The janitor's pass: deletes the events older than the retention (none while it is "forever"), in
 * batches of 10,000, at most 100,000 a pass (the rest at the next pass), and records one
 * audit.purged event with the count when it deleted any. Returns the count.
 */
export async function purgeExpiredAuditEvents(now = new Date(), opts: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const days = await readRetentionDays();
  if (days === null) return 0;
  const cutoff = new Date(now.getTime() - Math.max(days, MIN_AUDIT_RETENTION_DAYS) * 24 * 3600_000);
  const deleted = await purgeAuditEventsBefore(cutoff, opts);
  if (deleted > 0) {
    await recordAudit({ actor: { type: "system" }, action: "audit.purged", target: { type: "audit_log", id: "retention" }, result: "success", details: { deleted, before: cutoff.toISOString(), retentionDays: days } });
  }
  return deleted;
}
