import "server-only";
// The audit log's retention: one row (id 1), Prisma (read by the console and once per janitor pass).
import { getDb, type Tx } from "@/lib/db";

export async function readRetentionDays(): Promise<number | null> {
  const row = await (await getDb()).auditSettings.findUnique({ where: { id: 1 }, select: { retentionDays: true } });
  return row?.retentionDays ?? null;
}

export async function writeRetentionDays(days: number | null, updatedBy: string, tx: Tx): Promise<number | null> {
  const before = await tx.auditSettings.findUnique({ where: { id: 1 }, select: { retentionDays: true } });
  await tx.auditSettings.upsert({ where: { id: 1 }, create: { id: 1, retentionDays: days, updatedBy }, update: { retentionDays: days, updatedBy } });
  return before?.retentionDays ?? null;
}

export { withTransaction } from "@/lib/db";
