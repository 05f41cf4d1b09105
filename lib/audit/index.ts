// Append-only audit trail: every state change and every sign-in attempt writes one event
// (who, what, target, result, from where, when). The table refuses UPDATE and DELETE.
// Audit depends on no other domain, so every domain may call it.
import "server-only";
import type { Tx } from "@/lib/db";
import { countSignInFailures, insertAuditEvent, queryAuditEvents } from "./audit.repo";

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

/** Failed sign-ins in the last `minutes` (the risk engine's velocity signals). */
export function recentSignInFailures(userId: string, ip: string | null, minutes: number, now = new Date()) {
  return countSignInFailures(userId, ip, new Date(now.getTime() - minutes * 60_000));
}
