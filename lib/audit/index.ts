// Append-only audit trail: every state change and every sign-in attempt writes one event
// (who, what, target, result, from where, when). The table refuses UPDATE and DELETE.
// Audit depends on no other domain, so every domain may call it.
import "server-only";
import type { Tx } from "@/lib/db";
import { countSignInFailures, findHistoryEvent, insertAuditEvent, pseudonymiseSubjectEvents, queryAuditEvents, queryHistory, type HistoryEventRow } from "./audit.repo";

export { auditEventInsert } from "./audit.repo";
import type { AuditEventInput } from "./audit.schema";

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
