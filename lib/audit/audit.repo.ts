import "server-only";
// Prisma inside a caller's transaction; otherwise the direct SQL path (lib/db/sql.ts), since every
// sign-in attempt writes an event; auditEventInsert lets another repo write one inside its own statement.
import { getDb, getSql, Prisma, type SqlParam, type Tx } from "@/lib/db";
import type { AuditEventInput } from "./audit.schema";

function rowOf(e: AuditEventInput) {
  return {
    createdAt: new Date(),
    actorType: e.actor.type,
    actorId: e.actor.id ?? null,
    action: e.action,
    targetType: e.target?.type ?? null,
    targetId: e.target?.id ?? null,
    result: e.result,
    ip: e.context?.ip?.slice(0, 64) ?? null,
    userAgent: e.context?.userAgent?.slice(0, 512) ?? null,
  };
}

/**
 * The event as one INSERT … SELECT with parameters numbered from `firstParam`, for a repo that
 * writes it in the same statement as the change it records (a data-modifying CTE: atomic, one round
 * trip); append `FROM <cte>` to write it only when that CTE returned a row. createdAt is sent, never
 * defaulted: the column is UTC (lib/db/sql.ts).
 */
export function auditEventInsert(e: AuditEventInput, firstParam = 1): { text: string; params: SqlParam[] } {
  const row = rowOf(e);
  const p = (i: number, type: string) => `$${firstParam + i}::${type}`;
  return {
    text: `INSERT INTO "AuditEvent" ("createdAt", "actorType", "actorId", "action", "targetType", "targetId", "result", "ip", "userAgent", "details")
     SELECT ${p(0, "timestamp(3)")}, ${p(1, "text")}, ${p(2, "text")}, ${p(3, "text")}, ${p(4, "text")}, ${p(5, "text")}, ${p(6, "text")}, ${p(7, "text")}, ${p(8, "text")}, ${p(9, "jsonb")}`,
    params: [row.createdAt, row.actorType, row.actorId, row.action, row.targetType, row.targetId, row.result, row.ip, row.userAgent, e.details === undefined ? null : JSON.stringify(e.details)],
  };
}

export async function insertAuditEvent(e: AuditEventInput, tx?: Tx): Promise<void> {
  if (tx) {
    await tx.auditEvent.create({ data: { ...rowOf(e), details: (e.details ?? undefined) as Prisma.InputJsonValue | undefined } });
    return;
  }
  // Outside a transaction (every sign-in attempt writes one): straight to the driver, ~0.2 ms
  // instead of Prisma's ~1-2 ms (lib/db/sql.ts).
  const { text, params } = auditEventInsert(e);
  await (await getSql())(text, params);
}

export async function queryAuditEvents(filter: { targetId?: string; action?: string; take: number }) {
  const db = await getDb();
  return db.auditEvent.findMany({
    where: { targetId: filter.targetId, action: filter.action },
    orderBy: { id: "desc" },
    take: filter.take,
  });
}

/** Failed sign-ins since `since`: on the account, from the address, and distinct accounts from it. One statement. */
export async function countSignInFailures(userId: string, ip: string | null, since: Date): Promise<{ account: number; ip: number; accountsFromIp: number }> {
  const [row] = await (await getSql())<{ account: string; ip: string; accounts: string }>(
    // Separate subqueries, so each uses its index ((targetId, action, createdAt) and (ip, action, createdAt)).
    `SELECT (SELECT count(*) FROM "AuditEvent" WHERE "targetId" = $1 AND "action" = 'login.failed' AND "createdAt" >= $3) AS account,
            (SELECT count(*) FROM "AuditEvent" WHERE "ip" = $2 AND "action" = 'login.failed' AND "createdAt" >= $3) AS ip,
            (SELECT count(DISTINCT "targetId") FROM "AuditEvent" WHERE "ip" = $2 AND "action" = 'login.failed' AND "createdAt" >= $3) AS accounts`,
    [userId, ip, since],
  );
  return { account: Number(row?.account ?? 0), ip: Number(row?.ip ?? 0), accountsFromIp: Number(row?.accounts ?? 0) };
}

/** An event as a person's history shows it (no actor id: the target, or the actor, is the person). */
export interface HistoryEventRow {
  id: string;
  createdAt: Date;
  actorType: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  result: string;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

const HISTORY_COLUMNS = `e.id::text AS id, e."createdAt", e."actorType", e."action", e."targetType", e."targetId", e."result", e."ip", e."userAgent", e."details"`;

/**
 * The events about `userId` (target) and the events they caused on things other than a user (a
 * consent, a session: target type not "user", so an administrator's actions on other people stay
 * out of the administrator's own history), newest first, before event id `beforeId`. Two keyset
 * scans, (targetId, id) and (actorId, id), each stopping at `take` rows: as fast for an account with
 * a million events as for one with ten. `actions` holds "action" or "action:result" (lib/activity).
 */
export async function queryHistory(userId: string, actions: readonly string[], beforeId: string, take: number): Promise<HistoryEventRow[]> {
  return (await getSql())<HistoryEventRow>(
    `WITH ids AS (
       (SELECT id FROM "AuditEvent" WHERE "targetId" = $1 AND "targetType" = 'user' AND id < $2::bigint AND ("action" = ANY($3::text[]) OR "action" || ':' || "result" = ANY($3::text[])) ORDER BY id DESC LIMIT $4)
       UNION
       (SELECT id FROM "AuditEvent" WHERE "actorId" = $1 AND "targetType" IS DISTINCT FROM 'user' AND id < $2::bigint AND ("action" = ANY($3::text[]) OR "action" || ':' || "result" = ANY($3::text[])) ORDER BY id DESC LIMIT $4)
     )
     SELECT ${HISTORY_COLUMNS} FROM "AuditEvent" e JOIN ids ON ids.id = e.id ORDER BY e.id DESC LIMIT $4`,
    [userId, beforeId, actions, take],
  );
}

/** One event of that history, or null when it is not in it. */
export async function findHistoryEvent(userId: string, actions: readonly string[], id: string): Promise<HistoryEventRow | null> {
  const [row] = await (await getSql())<HistoryEventRow>(
    `SELECT ${HISTORY_COLUMNS} FROM "AuditEvent" e
      WHERE e.id = $2::bigint AND (e."action" = ANY($3::text[]) OR e."action" || ':' || e."result" = ANY($3::text[]))
        AND ((e."targetId" = $1 AND e."targetType" = 'user') OR (e."actorId" = $1 AND e."targetType" IS DISTINCT FROM 'user'))`,
    [userId, id, actions],
  );
  return row ?? null;
}

/** Keys of `details` that hold an email address (email changes, verification). */
const ADDRESS_KEYS = ["email", "from", "to"];

/**
 * Erasure (GDPR art. 17): the person's events keep what happened and when, under their id, which
 * no longer leads to anyone once the account row is gone; where from (IP, user agent) and the
 * addresses in the details are removed, and events filed under one of their addresses are filed
 * under the id. The append-only trigger allows this one kind of UPDATE for this transaction only
 * (migration 20261207100000_account_deletion).
 */
export async function pseudonymiseSubjectEvents(userId: string, emails: string[], tx: Tx): Promise<number> {
  await tx.$queryRaw`SELECT set_config('portico.audit_erasure', 'on', true)`;
  const count = await tx.$executeRaw`
    UPDATE "AuditEvent" SET "ip" = NULL, "userAgent" = NULL,
      "targetType" = CASE WHEN "targetType" = 'email' THEN 'user' ELSE "targetType" END,
      "targetId" = CASE WHEN "targetType" = 'email' THEN ${userId} ELSE "targetId" END,
      "details" = "details" - ${ADDRESS_KEYS}::text[]
    WHERE ("targetType" = 'user' AND "targetId" = ${userId}) OR "actorId" = ${userId}
       OR ("targetType" = 'email' AND "targetId" = ANY(${emails}::text[]))`;
  await tx.$queryRaw`SELECT set_config('portico.audit_erasure', 'off', true)`;
  return count;
}
