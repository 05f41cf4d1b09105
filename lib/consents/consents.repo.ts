// Storage of purposes, their versions, each person's current decisions and the receipt ledger.
import "server-only";
import { getDb, isUniqueViolation, Prisma, withTransaction, type Tx } from "@/lib/db";

export { withTransaction, type Tx };

const PURPOSE_WITH_VERSIONS = { versions: { orderBy: { version: "desc" } } } satisfies Prisma.PurposeInclude;
export type PurposeRow = Prisma.PurposeGetPayload<{ include: typeof PURPOSE_WITH_VERSIONS }>;

export async function listPurposeRows(): Promise<PurposeRow[]> {
  return (await getDb()).purpose.findMany({ include: PURPOSE_WITH_VERSIONS, orderBy: { createdAt: "asc" } });
}

export async function findPurposeRowByKey(key: string, tx?: Tx): Promise<PurposeRow | null> {
  return (tx ?? (await getDb())).purpose.findUnique({ where: { key }, include: PURPOSE_WITH_VERSIONS });
}

export async function insertPurpose(
  data: { key: string; name: string; legalBasis: string; dataCategories: string[]; retention: string; thirdParty: string | null; offerAtRegistration: boolean; text: string },
  tx: Tx,
): Promise<PurposeRow | null> {
  const { text, ...purpose } = data;
  // The unique constraint on key decides, even when two creations race (a read first would let both
  // through). On PostgreSQL the violation aborts the transaction: the caller throws on null.
  try {
    return await tx.purpose.create({ data: { ...purpose, versions: { create: { version: 1, text } } }, include: PURPOSE_WITH_VERSIONS });
  } catch (e) {
    if (isUniqueViolation(e, "key")) return null;
    throw e;
  }
}

/** A new version after the newest; the purpose row is locked so two publications cannot take one number. */
export async function insertPurposeVersion(key: string, text: string, tx: Tx): Promise<{ purposeId: string; version: number } | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Purpose" WHERE key = ${key} FOR UPDATE`;
  const purposeId = rows[0]?.id;
  if (!purposeId) return null;
  const newest = await tx.purposeVersion.findFirst({ where: { purposeId }, orderBy: { version: "desc" }, select: { version: true } });
  const version = (newest?.version ?? 0) + 1;
  await tx.purposeVersion.create({ data: { purposeId, version, text } });
  await tx.purpose.update({ where: { id: purposeId }, data: { updatedAt: new Date() } });
  return { purposeId, version };
}

/** The purpose of a key, its row locked for an edit (its versions and consents are checked under the lock). */
export async function lockPurposeRowByKey(key: string, tx: Tx): Promise<PurposeRow | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Purpose" WHERE key = ${key} FOR UPDATE`;
  if (!rows[0]) return null;
  return tx.purpose.findUnique({ where: { id: rows[0].id }, include: PURPOSE_WITH_VERSIONS });
}

/** A shared lock of a purpose's row for a decision about it: edits (FOR UPDATE) wait, other decisions do not. */
export async function sharePurposeRow(key: string, tx: Tx): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Purpose" WHERE key = ${key} FOR SHARE`;
}

export type PurposeChanges = Partial<Pick<PurposeRow, "name" | "legalBasis" | "dataCategories" | "retention" | "thirdParty" | "offerAtRegistration">>;

export async function updatePurposeRow(id: string, changes: PurposeChanges, tx: Tx): Promise<void> {
  await tx.purpose.update({ where: { id }, data: { ...changes, updatedAt: new Date() } });
}

/** How many people's consent to the purpose stands (given, not withdrawn). */
export async function countGivenConsents(purposeId: string, tx: Tx): Promise<number> {
  return tx.purposeConsent.count({ where: { purposeId, status: "given" } });
}

/** Purposes offered on the registration form: based on consent, oldest first. */
export async function listRegistrationPurposeRows(tx?: Tx): Promise<PurposeRow[]> {
  return (tx ?? (await getDb())).purpose.findMany({ where: { offerAtRegistration: true, legalBasis: "consent" }, include: PURPOSE_WITH_VERSIONS, orderBy: { createdAt: "asc" } });
}

/** Serialises one person's decisions (the account row is locked); false when the account is gone or closed. */
export async function lockActiveAccount(userId: string, tx: Tx): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE id = ${userId}::uuid AND "disabledAt" IS NULL FOR UPDATE`;
  return rows.length === 1;
}

const DECISION = { purpose: { select: { key: true } }, version: { select: { version: true } } } satisfies Prisma.PurposeConsentInclude;
export type DecisionRow = Prisma.PurposeConsentGetPayload<{ include: typeof DECISION }>;

export async function findDecisionRows(userId: string, tx?: Tx): Promise<DecisionRow[]> {
  return (tx ?? (await getDb())).purposeConsent.findMany({ where: { userId }, include: DECISION });
}

export async function upsertDecision(
  d: { userId: string; purposeId: string; versionId: string; status: "given" | "withdrawn"; collectionMethod: string; collectorClientId: string | null; receiptId: string; at: Date },
  tx: Tx,
): Promise<void> {
  const values = { versionId: d.versionId, status: d.status, collectionMethod: d.collectionMethod, collectorClientId: d.collectorClientId, receiptId: d.receiptId, updatedAt: d.at };
  await tx.purposeConsent.upsert({ where: { userId_purposeId: { userId: d.userId, purposeId: d.purposeId } }, create: { userId: d.userId, purposeId: d.purposeId, ...values }, update: values });
}

export type ReceiptRow = Prisma.ConsentReceiptGetPayload<object>;

export async function insertReceipt(r: Omit<ReceiptRow, "createdAt"> & { createdAt: Date }, tx: Tx): Promise<void> {
  await tx.consentReceipt.create({ data: r });
}

/** Newest first; `take` null: every one (the data export, prepared in the background). */
export async function findReceiptRows(userId: string, take: number | null = 200): Promise<ReceiptRow[]> {
  return (await getDb()).consentReceipt.findMany({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...(take === null ? {} : { take }) });
}

export async function findReceiptRow(userId: string, id: string): Promise<ReceiptRow | null> {
  return (await getDb()).consentReceipt.findFirst({ where: { id, userId } });
}

/**
 * Part of erasing an account: its receipts leave the ledger. The append-only trigger allows this
 * one DELETE while portico.consent_erasure is on, for this transaction only (migration
 * 20261209100000_consents), like the audit trail's pseudonymisation.
 */
export async function deleteReceiptsOf(userId: string, tx: Tx): Promise<number> {
  await tx.$queryRaw`SELECT set_config('portico.consent_erasure', 'on', true)`;
  const count = await tx.$executeRaw`DELETE FROM "ConsentReceipt" WHERE "userId" = ${userId}::uuid`;
  await tx.$queryRaw`SELECT set_config('portico.consent_erasure', 'off', true)`;
  return count;
}
