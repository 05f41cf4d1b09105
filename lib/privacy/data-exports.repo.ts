// Storage for the data-export queue (DataExport): requests, the owner's latest export, the archive
// of one, and expiry. Claiming, retries and retention are the outbox's (lib/outbox).
import "server-only";
import { getDb, Prisma, withTransaction, type Tx } from "@/lib/db";
import type { DataExport as DataExportRow } from "@/lib/db/generated/client";

export { withTransaction, type Tx };
export type { DataExportRow };

/** The row without its archive (the page's status, the checks before a download). */
const WITHOUT_ARCHIVE = { id: true, userId: true, status: true, sizeBytes: true, readyAt: true, expiresAt: true, createdAt: true } as const;
export type DataExportSummary = Prisma.DataExportGetPayload<{ select: typeof WITHOUT_ARCHIVE }>;

/**
 * Serialises one account's requests: the account row is locked for the rest of the transaction,
 * so two concurrent clicks cannot both see "nothing pending" and both insert. False when the
 * account does not exist.
 */
export async function lockAccountForExport(userId: string, tx: Tx): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE id = ${userId}::uuid AND "disabledAt" IS NULL FOR UPDATE`;
  return rows.length === 1;
}

export async function countPendingExports(userId: string, tx: Tx): Promise<number> {
  return tx.dataExport.count({ where: { userId, status: "pending" } });
}

/** Earlier archives go when a new one is asked for: one copy of a person's data at rest at most. */
export async function deleteFinishedExports(userId: string, tx: Tx): Promise<number> {
  return (await tx.dataExport.deleteMany({ where: { userId, status: { not: "pending" } } })).count;
}

export async function insertExport(userId: string, tx: Tx): Promise<DataExportSummary> {
  return tx.dataExport.create({ data: { userId }, select: WITHOUT_ARCHIVE });
}

export async function findExportSummary(id: string): Promise<DataExportSummary | null> {
  return (await getDb()).dataExport.findUnique({ where: { id }, select: WITHOUT_ARCHIVE });
}

export async function findLatestExportOf(userId: string): Promise<DataExportSummary | null> {
  return (await getDb()).dataExport.findFirst({ where: { userId }, orderBy: { createdAt: "desc" }, select: WITHOUT_ARCHIVE });
}

/** The archive of a ready, unexpired export; null otherwise (it may have expired since it was checked). */
export async function findReadyArchive(id: string, now: Date): Promise<string | null> {
  const row = await (await getDb()).dataExport.findFirst({ where: { id, status: "ready", expiresAt: { gt: now } }, select: { archive: true } });
  return row?.archive ?? null;
}

// Columns are `timestamp without time zone` holding UTC (Prisma's convention), so times written in
// SQL are the database clock in UTC, whatever the session's TimeZone.
const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/** What "done" sets besides the status: the archive, its size, and its download window from now. */
export function readyColumns(archive: string, downloadHours: number): Prisma.Sql {
  return Prisma.sql`archive = ${archive}, "sizeBytes" = ${Buffer.byteLength(archive, "utf8")}::int, "readyAt" = ${NOW_UTC}, "expiresAt" = ${NOW_UTC} + (${downloadHours}::int * interval '1 hour')`;
}

/** A dead letter keeps no archive. */
export function deadLetterColumns(givesUp: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`archive = CASE WHEN ${givesUp} THEN NULL ELSE archive END`;
}

/** The janitor: archives past their download window, with their rows. */
export async function deleteExpiredExports(now: Date): Promise<number> {
  return (await (await getDb()).dataExport.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
