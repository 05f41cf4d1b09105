// Storage for user imports and exports (UserImport, UserExport: outbox tables) and the account
// rows they read and write. Each step of a job is guarded by where the job stood (processed rows,
// the export's cursor): a worker whose lease ran out and another took over cannot write twice.
import "server-only";
import { passwordScheme, type PasswordScheme } from "@/lib/credentials";
import { getDb, Prisma, withTransaction, type Tx } from "@/lib/db";
import type { UserImport as UserImportRow, UserExport as UserExportRow } from "@/lib/db/generated/client";

export { withTransaction, type Tx, type UserImportRow, type UserExportRow };

const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/** The job's columns without its file or its report (lists, progress). */
const IMPORT_SUMMARY = {
  id: true, actor: true, filename: true, format: true, onConflict: true, sizeBytes: true, totalRows: true, processed: true, created: true, updated: true, rejected: true,
  startedAt: true, finishedAt: true, status: true, attempts: true, lockedUntil: true, lastError: true, createdAt: true,
} as const satisfies Prisma.UserImportSelect;
export type UserImportSummaryRow = Prisma.UserImportGetPayload<{ select: typeof IMPORT_SUMMARY }>;

export async function insertImport(data: Prisma.UserImportCreateInput, tx: Tx): Promise<string> {
  return (await tx.userImport.create({ data, select: { id: true } })).id;
}

export async function listImportRows(take: number): Promise<UserImportSummaryRow[]> {
  return (await getDb()).userImport.findMany({ select: IMPORT_SUMMARY, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
}

export async function findImportSummary(id: string): Promise<UserImportSummaryRow | null> {
  return (await getDb()).userImport.findUnique({ where: { id }, select: IMPORT_SUMMARY });
}

export async function findImportReport(id: string): Promise<{ report: string; filename: string } | null> {
  return (await getDb()).userImport.findUnique({ where: { id }, select: { report: true, filename: true } });
}

export async function markImportStarted(id: string): Promise<void> {
  await (await getDb()).$executeRaw`UPDATE "UserImport" SET "startedAt" = ${NOW_UTC} WHERE id = ${id}::uuid AND "startedAt" IS NULL`;
}

/**
 * Moves the import past a committed batch: the counts, the rejected rows' report lines, and a
 * fresh lease. False when it no longer stood at `from` (another worker moved it): the caller's
 * transaction must roll back.
 */
export async function advanceImport(
  id: string,
  from: number,
  step: { rows: number; created: number; updated: number; rejected: number; report: string; leaseSeconds: number },
  tx: Tx,
): Promise<boolean> {
  const count = await tx.$executeRaw`
    UPDATE "UserImport"
    SET processed = processed + ${step.rows}::int, created = created + ${step.created}::int, updated = updated + ${step.updated}::int,
        rejected = rejected + ${step.rejected}::int, report = report || ${step.report},
        "lockedUntil" = ${NOW_UTC} + (${step.leaseSeconds}::int * interval '1 second')
    WHERE id = ${id}::uuid AND processed = ${from}::int AND status = 'pending'`;
  return count === 1;
}

/** A given-up import keeps its counts and report, never its file (password hashes). */
export function importDeadLetterColumns(givesUp: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`content = CASE WHEN ${givesUp} THEN '' ELSE content END`;
}

// ---- Accounts ------------------------------------------------------------------------------------

const EXISTING = { id: true, email: true, attributes: true, emailVerifiedAt: true } as const;
export type ExistingAccount = Prisma.UserGetPayload<{ select: typeof EXISTING }>;

export async function findAccountsByEmail(emails: string[], tx: Tx): Promise<ExistingAccount[]> {
  if (!emails.length) return [];
  return tx.user.findMany({ where: { email: { in: emails } }, select: EXISTING });
}

export async function createAccount(data: Prisma.UserCreateInput, tx: Tx): Promise<string> {
  return (await tx.user.create({ data, select: { id: true } })).id;
}

export async function updateAccount(id: string, data: Prisma.UserUpdateInput, tx: Tx): Promise<void> {
  await tx.user.update({ where: { id }, data, select: { id: true } });
}

export async function findAddress(id: string, tx: Tx): Promise<Prisma.JsonValue | null> {
  return (await tx.user.findUnique({ where: { id }, select: { address: true } }))?.address ?? null;
}

// ---- Exports ------------------------------------------------------------------------------------

const EXPORT_SUMMARY = {
  id: true, actor: true, format: true, filter: true, processed: true, totalRows: true, startedAt: true, finishedAt: true, status: true, attempts: true,
  lockedUntil: true, lastError: true, createdAt: true,
} as const satisfies Prisma.UserExportSelect;
export type UserExportSummaryRow = Prisma.UserExportGetPayload<{ select: typeof EXPORT_SUMMARY }>;

export async function insertExport(data: Prisma.UserExportCreateInput, tx: Tx): Promise<string> {
  return (await tx.userExport.create({ data, select: { id: true } })).id;
}

export async function listExportRows(take: number): Promise<UserExportSummaryRow[]> {
  return (await getDb()).userExport.findMany({ select: EXPORT_SUMMARY, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
}

export async function findExportSummary(id: string): Promise<UserExportSummaryRow | null> {
  return (await getDb()).userExport.findUnique({ where: { id }, select: EXPORT_SUMMARY });
}

export async function findExportContent(id: string): Promise<{ content: string; format: string; status: string; createdAt: Date } | null> {
  return (await getDb()).userExport.findUnique({ where: { id }, select: { content: true, format: true, status: true, createdAt: true } });
}

/** Once per export: the start, the count it expects, and the file's first line (a CSV header). */
export async function markExportStarted(id: string, totalRows: number | null, header: string): Promise<void> {
  await (await getDb()).$executeRaw`
    UPDATE "UserExport" SET "startedAt" = ${NOW_UTC}, "totalRows" = ${totalRows}::int, content = ${header}
    WHERE id = ${id}::uuid AND "startedAt" IS NULL`;
}

/**
 * What an export may read of an account: never a secret. The password hash is read here only to
 * name its algorithm (passwordScheme) and never leaves this function.
 */
const EXPORTED = {
  id: true, email: true, emailVerifiedAt: true, displayName: true, givenName: true, familyName: true, middleName: true, nickname: true, pictureUrl: true,
  websiteUrl: true, gender: true, birthdate: true, zoneinfo: true, locale: true, phoneNumber: true, address: true, attributes: true, createdAt: true,
  updatedAt: true, lastLoginAt: true, disabledAt: true,
} as const satisfies Prisma.UserSelect;
export type ExportedAccount = Prisma.UserGetPayload<{ select: typeof EXPORTED }> & { passwordScheme: PasswordScheme };

export interface AccountFilter {
  status?: "any" | "active" | "disabled" | "unverified";
  createdFrom?: Date;
  /** Exclusive. */
  createdBefore?: Date;
}

function accountWhere(f: AccountFilter): Prisma.UserWhereInput {
  return {
    ...(f.status === "active" ? { disabledAt: null } : f.status === "disabled" ? { disabledAt: { not: null } } : f.status === "unverified" ? { emailVerifiedAt: null } : {}),
    ...(f.createdFrom || f.createdBefore ? { createdAt: { ...(f.createdFrom ? { gte: f.createdFrom } : {}), ...(f.createdBefore ? { lt: f.createdBefore } : {}) } } : {}),
  };
}

export async function countAccounts(f: AccountFilter): Promise<number> {
  return (await getDb()).user.count({ where: accountWhere(f) });
}

/** Keyset pagination by id: the next `take` accounts after `cursor`. */
export async function accountsAfter(f: AccountFilter, cursor: string | null, take: number): Promise<ExportedAccount[]> {
  const rows = await (await getDb()).user.findMany({ where: { ...accountWhere(f), ...(cursor ? { id: { gt: cursor } } : {}) }, select: { ...EXPORTED, passwordHash: true }, orderBy: { id: "asc" }, take });
  return rows.map(({ passwordHash, ...account }) => ({ ...account, passwordScheme: passwordScheme(passwordHash) }));
}

/** Appends a batch and moves the cursor; false when the export no longer stood at `from` (another worker moved it). */
export async function advanceExport(id: string, from: string | null, step: { cursor: string; chunk: string; rows: number; leaseSeconds: number }, tx: Tx): Promise<boolean> {
  const count = await tx.$executeRaw`
    UPDATE "UserExport"
    SET content = content || ${step.chunk}, cursor = ${step.cursor}::uuid, processed = processed + ${step.rows}::int,
        "lockedUntil" = ${NOW_UTC} + (${step.leaseSeconds}::int * interval '1 second')
    WHERE id = ${id}::uuid AND cursor IS NOT DISTINCT FROM ${from}::uuid AND status = 'pending'`;
  return count === 1;
}

/** A given-up export keeps nothing it had written. */
export function exportDeadLetterColumns(givesUp: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`content = CASE WHEN ${givesUp} THEN '' ELSE content END`;
}

/** What "done" adds for an import: the row count, as read by the worker. */
export function importDoneColumns(totalRows: number): Prisma.Sql {
  return Prisma.sql`"totalRows" = ${totalRows}::int`;
}

/** What "done" adds for an export: the count it wrote. */
export function exportDoneColumns(): Prisma.Sql {
  return Prisma.sql`"totalRows" = processed`;
}
