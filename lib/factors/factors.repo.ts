import "server-only";
// Prisma for everything but the reads a sign-in makes outside a transaction (direct SQL, lib/db/sql.ts).
import { getDb, getSql, withTransaction, type Tx } from "@/lib/db";

export { withTransaction, type Tx };

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

// Factors ---------------------------------------------------------------------------------------

/** Whether the account's address is verified now (read fresh: an email change unverifies it). */
export async function isEmailVerified(userId: string, tx?: Tx): Promise<boolean> {
  const row = await (await client(tx)).user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  return Boolean(row?.emailVerifiedAt);
}

/** Every factor of the account, confirmed or not (a recovery reviews them all). */
export async function listAllFactors(userId: string, tx?: Tx) {
  return (await client(tx)).mfaFactor.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
}

/** When the account's current recovery codes were made (null: it has none). */
export async function recoveryCodesCreatedAt(userId: string, tx?: Tx): Promise<Date | null> {
  const row = await (await client(tx)).recoveryCode.findFirst({ where: { userId }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });
  return row?.createdAt ?? null;
}

export async function insertFactor(data: { userId: string; type: string; label: string; secretSealed: string | null }, tx?: Tx) {
  return (await client(tx)).mfaFactor.create({ data });
}

export async function deleteUnconfirmedFactors(userId: string, tx?: Tx): Promise<void> {
  await (await client(tx)).mfaFactor.deleteMany({ where: { userId, confirmedAt: null } });
}

export async function findFactorOfUser(id: string, userId: string) {
  return (await client()).mfaFactor.findFirst({ where: { id, userId } });
}

export async function listConfirmedFactors(userId: string) {
  return (await client()).mfaFactor.findMany({ where: { userId, confirmedAt: { not: null } }, orderBy: { createdAt: "asc" } });
}

export async function countConfirmedFactors(userId: string, tx?: Tx): Promise<number> {
  if (tx) return tx.mfaFactor.count({ where: { userId, confirmedAt: { not: null } } });
  // Outside a transaction this is read on every password sign-in: the direct path (lib/db/sql.ts).
  const [row] = await (await getSql())<{ n: number }>(`SELECT count(*)::int AS "n" FROM "MfaFactor" WHERE "userId" = $1::uuid AND "confirmedAt" IS NOT NULL`, [userId]);
  return row?.n ?? 0;
}

/** Activates a factor with its first accepted step; false when it was already active. */
export async function confirmFactor(id: string, step: number, now: Date, tx?: Tx): Promise<boolean> {
  const { count } = await (await client(tx)).mfaFactor.updateMany({ where: { id, confirmedAt: null }, data: { confirmedAt: now, lastUsedStep: step, lastUsedAt: now } });
  return count === 1;
}

/** Records an accepted TOTP step only if it is later than the last one: two racing uses of one code cannot both win. */
export async function recordFactorUse(id: string, step: number, now: Date): Promise<boolean> {
  const { count } = await (await client()).mfaFactor.updateMany({
    where: { id, confirmedAt: { not: null }, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
    data: { lastUsedStep: step, lastUsedAt: now },
  });
  return count === 1;
}

export async function deleteAllFactors(userId: string, tx: Tx): Promise<number> {
  return (await tx.mfaFactor.deleteMany({ where: { userId } })).count;
}

export async function deleteFactor(id: string, userId: string, tx?: Tx): Promise<boolean> {
  const { count } = await (await client(tx)).mfaFactor.deleteMany({ where: { id, userId } });
  return count === 1;
}

// Recovery codes --------------------------------------------------------------------------------

export async function replaceRecoveryCodes(userId: string, hashes: string[], tx: Tx): Promise<void> {
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId, codeHash })) });
}

export async function deleteRecoveryCodes(userId: string, tx?: Tx): Promise<void> {
  await (await client(tx)).recoveryCode.deleteMany({ where: { userId } });
}

/** Marks one unused code used; false when there is no such unused code. */
export async function spendRecoveryCode(userId: string, codeHash: string, now: Date, tx?: Tx): Promise<boolean> {
  const { count } = await (await client(tx)).recoveryCode.updateMany({ where: { userId, codeHash, usedAt: null }, data: { usedAt: now } });
  return count === 1;
}

export async function countUnusedRecoveryCodes(userId: string): Promise<number> {
  return (await client()).recoveryCode.count({ where: { userId, usedAt: null } });
}

// The offer of two-step verification -------------------------------------------------------------

export async function findOfferDismissal(userId: string) {
  return (await client()).mfaOfferDismissal.findUnique({ where: { userId } });
}

export async function upsertOfferDismissal(userId: string, now: Date): Promise<void> {
  await (await client()).mfaOfferDismissal.upsert({ where: { userId }, create: { userId, dismissedAt: now }, update: { dismissedAt: now } });
}

// Trusted devices ---------------------------------------------------------------------------------

export async function insertTrustedDevice(data: { userId: string; tokenHash: string; userAgent: string | null; expiresAt: Date }) {
  return (await client()).trustedDevice.create({ data });
}

/** The device record if it is live for this user; marks it used. */
export async function useTrustedDevice(userId: string, tokenHash: string, now: Date): Promise<boolean> {
  const { count } = await (await client()).trustedDevice.updateMany({ where: { userId, tokenHash, revokedAt: null, expiresAt: { gt: now } }, data: { lastUsedAt: now } });
  return count === 1;
}

export async function listLiveTrustedDevices(userId: string, now: Date) {
  return (await client()).trustedDevice.findMany({ where: { userId, revokedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: "desc" } });
}

export async function revokeTrustedDevices(userId: string, now: Date, tx?: Tx): Promise<number> {
  return (await (await client(tx)).trustedDevice.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } })).count;
}

export async function deleteExpiredTrustedDevices(now: Date): Promise<number> {
  return (await (await client()).trustedDevice.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}

// Passkeys (WebAuthn credentials) ----------------------------------------------------------------

export async function insertPasskeyFactor(
  data: { userId: string; label: string; credentialId: string; publicKey: Uint8Array; signCount: number; transports: string[]; aaguid: string; backedUp: boolean; now: Date },
  tx: Tx,
) {
  const { now, publicKey, ...rest } = data;
  return tx.mfaFactor.create({
    data: { ...rest, type: "passkey", secretSealed: null, publicKey: Buffer.from(publicKey), signCount: BigInt(data.signCount), confirmedAt: now },
  });
}

export async function findPasskeyByCredentialId(credentialId: string) {
  return (await client()).mfaFactor.findFirst({ where: { credentialId, type: "passkey", confirmedAt: { not: null } } });
}

export async function listPasskeyCredentials(userId: string) {
  return (await client()).mfaFactor.findMany({
    where: { userId, type: "passkey", confirmedAt: { not: null } },
    select: { credentialId: true, transports: true },
  });
}

/**
 * Records a verified assertion. The update only happens while the stored counter is still the one
 * the check saw, so two racing assertions cannot both move it (the loser is treated as a replay).
 */
export async function recordPasskeyUse(id: string, seenCount: bigint, newCount: number, backedUp: boolean, now: Date): Promise<boolean> {
  const { count } = await (await client()).mfaFactor.updateMany({
    where: { id, signCount: seenCount, flaggedAt: null },
    data: { signCount: BigInt(newCount), backedUp, lastUsedAt: now },
  });
  return count === 1;
}

export async function flagPasskey(id: string, now: Date): Promise<void> {
  await (await client()).mfaFactor.updateMany({ where: { id, flaggedAt: null }, data: { flaggedAt: now } });
}

// WebAuthn challenges -----------------------------------------------------------------------------

export async function insertWebAuthnChallenge(data: { challenge: string; purpose: string; userId: string | null; expiresAt: Date }): Promise<void> {
  await (await client()).webAuthnChallenge.create({ data });
}

/** Spends a live challenge issued for this purpose (and user); true for exactly one caller. */
export async function consumeWebAuthnChallenge(challenge: string, purpose: string, userId: string | null, now: Date): Promise<boolean> {
  const { count } = await (await client()).webAuthnChallenge.deleteMany({ where: { challenge, purpose, userId, expiresAt: { gt: now } } });
  return count === 1;
}

export async function deleteExpiredWebAuthnChallenges(now: Date): Promise<number> {
  return (await (await client()).webAuthnChallenge.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}

// Phone numbers (SMS factors) ---------------------------------------------------------------------

export async function insertSmsFactor(data: { id: string; userId: string; label: string; phone: string; codeHash: string; codeExpiresAt: Date; codeSentAt: Date }, tx?: Tx) {
  return (await client(tx)).mfaFactor.create({ data: { ...data, type: "sms", secretSealed: null } });
}

/** A new enrolment code for an unconfirmed number; false when that enrolment is gone. */
export async function storeFactorCode(id: string, data: { codeHash: string; codeExpiresAt: Date; codeSentAt: Date }): Promise<boolean> {
  const { count } = await (await client()).mfaFactor.updateMany({ where: { id, confirmedAt: null }, data });
  return count === 1;
}

/** Counts one wrong enrolment code; the new count, or null when the enrolment is gone. */
export async function addFactorCodeAttempt(id: string): Promise<number | null> {
  const rows = await (await client()).mfaFactor.updateManyAndReturn({ where: { id, confirmedAt: null }, data: { codeAttempts: { increment: 1 } }, select: { codeAttempts: true } });
  return rows[0]?.codeAttempts ?? null;
}

/** Activates a proved number (once) and forgets its enrolment code. */
export async function confirmSmsFactor(id: string, now: Date, tx: Tx): Promise<boolean> {
  const { count } = await tx.mfaFactor.updateMany({
    where: { id, type: "sms", confirmedAt: null },
    data: { confirmedAt: now, lastUsedAt: now, codeHash: null, codeExpiresAt: null, codeAttempts: 0 },
  });
  return count === 1;
}

/** An account has one number for text messages: a newly proved one replaces the old. */
/** Deletes the account's other text-message factors; returns the ids of those that were confirmed (in use). */
export async function deleteOtherSmsFactors(userId: string, keepId: string, tx: Tx): Promise<string[]> {
  const others = await tx.mfaFactor.findMany({ where: { userId, type: "sms", id: { not: keepId } }, select: { id: true, confirmedAt: true } });
  await tx.mfaFactor.deleteMany({ where: { id: { in: others.map((f) => f.id) } } });
  return others.filter((f) => f.confirmedAt !== null).map((f) => f.id);
}

export async function markFactorUsed(id: string, now: Date): Promise<void> {
  await (await client()).mfaFactor.updateMany({ where: { id }, data: { lastUsedAt: now } });
}

// The owner's copy of their data (lib/privacy) ---------------------------------------------------

/** Every factor's metadata: never the seed, the public key, the credential id, the phone code or its hash. */
export async function listFactorMetadata(userId: string) {
  return (await client()).mfaFactor.findMany({
    where: { userId },
    select: { type: true, label: true, createdAt: true, lastUsedAt: true, confirmedAt: true, flaggedAt: true },
    orderBy: { createdAt: "asc" },
  });
}

/** How many recovery codes the account holds and how many are still unused (never their hashes). */
export async function countRecoveryCodes(userId: string): Promise<{ total: number; unused: number }> {
  const db = await client();
  const [total, unused] = await Promise.all([db.recoveryCode.count({ where: { userId } }), db.recoveryCode.count({ where: { userId, usedAt: null } })]);
  return { total, unused };
}

/** Remembered browsers still live, without their token hashes. */
export async function listTrustedBrowserMetadata(userId: string, now: Date) {
  return (await client()).trustedDevice.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    select: { userAgent: true, createdAt: true, lastUsedAt: true, expiresAt: true },
    orderBy: { createdAt: "desc" },
  });
}
