import "server-only";
import { getDb, Prisma } from "@/lib/db";
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
