// Append-only audit trail: every state change and every sign-in attempt writes one event
// (who, what, target, result, from where, when). The table refuses UPDATE and DELETE.
// Audit depends on no other domain, so every domain may call it.
import "server-only";
import type { Tx } from "@/lib/db";
import { countSignInFailures, findHistoryEvent, insertAuditEvent, pseudonymiseSubjectEvents, queryAuditEvents, queryHistory, type HistoryEventRow } from "./audit.repo";

export { auditEventInsert } from "./audit.repo";
import type { AuditEventInput } from "./audit.schema";
import { auditLogIdRange, deleteAuditEventsBefore, findAuditLogEvent, latestAuditEventId, queryAuditLogNewer, queryAuditLogOlder, type AuditLogQuery, type AuditLogRow } from "./audit-log.repo";

export type { AuditEventInput, AuditActor, RequestContext } from "./audit.schema";
export { requestContextSchema } from "./audit.schema";

/** Pass `tx` to make the audit event part of the same transaction as the change it records. */
export function recordAudit(event: AuditEventInput, tx?: Tx): Promise<void> {
  return insertAuditEvent(event, tx);
}

export function listAuditEvents(filter: { targetId?: string; action?: string; take?: number } = {}) {
  return queryAuditEvents({ ...filter, take: Math.min(filter.take ?? 50, 500) });
}

export type { HistoryEventRow as HistoryEvent } from "./audit.repo";

/** The largest event id (bigint): "before" it is the whole history. */
const NEWEST = "9223372036854775807";

/**
 * A person's own history, newest first: the events about them and those they caused on things that
 * are not people, limited to `actions`, `take` at most (≤ 200), before the event id `before`.
 */
export function listHistory(userId: string, opts: { actions: readonly string[]; before?: string; take: number }): Promise<HistoryEventRow[]> {
  return queryHistory(userId, opts.actions, opts.before ?? NEWEST, Math.min(Math.max(opts.take, 1), 200));
}

/** One event of that history (a report of it must name one of the person's own events). */
export function findHistoryEventOf(userId: string, actions: readonly string[], eventId: string): Promise<HistoryEventRow | null> {
  return findHistoryEvent(userId, actions, eventId);
}

/**
 * Part of erasing an account (in its transaction): the person's events stay, pseudonymous (their
 * id, no address, no IP, no user agent). Returns how many events were rewritten.
 */
export function pseudonymiseSubject(userId: string, emails: string[], tx: Tx): Promise<number> {
  return pseudonymiseSubjectEvents(userId, emails, tx);
}

/** Failed sign-ins in the last `minutes` (the risk engine's velocity signals). */
export function recentSignInFailures(userId: string, ip: string | null, minutes: number, now = new Date()) {
  return countSignInFailures(userId, ip, new Date(now.getTime() - minutes * 60_000));
}

// The whole log, for the console (lib/audit-admin asserts who may read, export and purge it: this
// module imports no other domain, so the permission checks live one layer up).
export type { AuditLogRow, AuditLogQuery } from "./audit-log.repo";

export type AuditLogPage = {
  events: AuditLogRow[];
  /** The cursor of the next page (older events), or null at the oldest. */
  older: string | null;
  /** The cursor of the previous page (newer events), or null at the newest. */
  newer: string | null;
};

/**
 * One page of the log, newest first, `take` (≤ 200) events: older than `before`, or newer than
 * `after` (the previous page), or the newest. One keyset scan by id each.
 */
export async function readAuditLog(query: AuditLogQuery, page: { before?: string; after?: string; take: number }): Promise<AuditLogPage> {
  const take = Math.min(Math.max(page.take, 1), 200);
  if (page.after) {
    const rows = await queryAuditLogNewer(query, page.after, take + 1);
    const events = rows.slice(0, take).reverse();
    return { events, older: events.at(-1)?.id ?? page.after, newer: rows.length > take ? (events[0]?.id ?? null) : null };
  }
  const rows = await queryAuditLogOlder(query, page.before ?? null, take + 1);
  const events = rows.slice(0, take);
  return { events, older: rows.length > take ? (events.at(-1)?.id ?? null) : null, newer: page.before && events.length ? events[0]!.id : null };
}

/**
 * The events of `query`, oldest first, read `batchSize` at a time (one keyset scan each, no
 * transaction held open) up to the newest event at the first read: an export streams them without
 * holding the range in memory, and events written meanwhile stay out.
 */
export async function* auditLogBatches(query: AuditLogQuery, batchSize = 1000): AsyncGenerator<AuditLogRow[]> {
  const [last, idRange] = await Promise.all([latestAuditEventId(), auditLogIdRange(query.from, query.to)]);
  if (!last || !idRange) return;
  let cursor: string | null = null;
  for (;;) {
    const rows: AuditLogRow[] = await queryAuditLogNewer({ ...query, untilId: last, idRange }, cursor, batchSize);
    if (rows.length) yield rows;
    if (rows.length < batchSize) return;
    cursor = rows.at(-1)!.id;
  }
}

/** An event id: a positive bigint (PostgreSQL refuses anything above 2^63 - 1 with an error, not a miss). */
export function isEventId(id: string): boolean {
  return /^\d{1,19}$/.test(id) && BigInt(id) <= 9223372036854775807n;
}

export function findAuditEvent(id: string): Promise<AuditLogRow | null> {
  return isEventId(id) ? findAuditLogEvent(id) : Promise.resolve(null);
}

/** The shortest retention the log allows; the append-only trigger refuses to delete younger events. */
export const MIN_AUDIT_RETENTION_DAYS = 30;

/**
 * Deletes the events created before `cutoff`, `batchSize` per transaction and at most `maxBatches`
 * transactions (the rest at the next pass), so a purge never holds a long lock. Returns how many.
 */
export async function purgeAuditEventsBefore(cutoff: Date, { batchSize = 10_000, maxBatches = 10 } = {}): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await deleteAuditEventsBefore(cutoff, batchSize);
    deleted += n;
    if (n < batchSize) break;
  }
  return deleted;
}
