import "server-only";
import { getDb, getSql, Prisma } from "@/lib/db";
import type { AuditEventInput } from "./audit.schema";

export type TxClient = Prisma.TransactionClient;

export async function insertAuditEvent(e: AuditEventInput, tx?: TxClient): Promise<void> {
  const db = tx ?? (await getDb());
  await db.auditEvent.create({
    data: {
      actorType: e.actor.type,
      actorId: e.actor.id ?? null,
      action: e.action,
      targetType: e.target?.type ?? null,
      targetId: e.target?.id ?? null,
      result: e.result,
      ip: e.context?.ip?.slice(0, 64) ?? null,
      userAgent: e.context?.userAgent?.slice(0, 512) ?? null,
      details: (e.details ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
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
    // Separate subqueries, so each uses its index ((targetType, targetId) and (ip, createdAt)).
    `SELECT (SELECT count(*) FROM "AuditEvent" WHERE "targetType" = 'user' AND "targetId" = $1 AND "action" = 'login.failed' AND "createdAt" >= $3) AS account,
            (SELECT count(*) FROM "AuditEvent" WHERE "ip" = $2 AND "action" = 'login.failed' AND "createdAt" >= $3) AS ip,
            (SELECT count(DISTINCT "targetId") FROM "AuditEvent" WHERE "ip" = $2 AND "action" = 'login.failed' AND "createdAt" >= $3) AS accounts`,
    [userId, ip, since],
  );
  return { account: Number(row?.account ?? 0), ip: Number(row?.ip ?? 0), accountsFromIp: Number(row?.accounts ?? 0) };
}
