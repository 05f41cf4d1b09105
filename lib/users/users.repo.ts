import "server-only";
import { isUuid, jsonColumn } from "@/lib/formats";
import type { RegistrationConsent } from "@/lib/consents";
import { getDb, getSql, withTransaction, Prisma, type Tx } from "@/lib/db";

export { withTransaction, type Tx };

// Prisma for most reads and writes; the direct path (lib/db/sql.ts) for what every sign-in does
// outside a transaction: find the account by email and record the sign-in.

const withRoles = { roles: { select: { role: true, scope: true } } } as const;

/** An account with its roles: the User row's columns (explicit, so direct SQL rows are typed without a cast). */
export interface UserRecord {
  id: string;
  email: string;
  emailVerifiedAt: Date | null;
  displayName: string | null;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  /** An administrator asked for a new password: no sign-in until it is reset (admin-user-actions.ts). */
  passwordResetRequiredAt: Date | null;
  termsAcceptedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
  roles: { role: string; scope: string | null }[];
}

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

/**
 * An account the sign-in, recovery and portal paths can act on has a sign-in address. One
 * provisioned (SCIM) without a usable address of its own has none until its provisioning system
 * or an administrator gives it one: to these paths it is no account (lib/scim reads it directly).
 */
function withSignInAddress<T extends { email: string | null }>(row: T | null): (T & { email: string }) | null {
  return row && row.email !== null ? (row as T & { email: string }) : null;
}

export async function findUserByEmail(email: string, tx?: Tx): Promise<UserRecord | null> {
  if (tx) return withSignInAddress(await tx.user.findUnique({ where: { email }, include: withRoles }));
  // One statement, roles included (Prisma takes two).
  const [row] = await (await getSql())<Omit<UserRecord, "roles"> & { roles: UserRecord["roles"] | null }>(
    `SELECT u."id", u."email", u."emailVerifiedAt", u."displayName", u."passwordHash", u."passwordChangedAt", u."lockedUntil", u."disabledAt",
            u."passwordResetRequiredAt", u."termsAcceptedAt", u."createdAt", u."updatedAt", u."lastLoginAt",
            (SELECT json_agg(json_build_object('role', r."role", 'scope', r."scope")) FROM "UserRole" r WHERE r."userId" = u."id") AS "roles"
     FROM "User" u WHERE u."email" = $1`,
    [email],
  );
  return row ? { ...row, roles: row.roles ?? [] } : null;
}

/** The account signed in: its last sign-in time (every sign-in, so the direct path). */
export async function recordSignInTime(id: string, now: Date): Promise<void> {
  await (await getSql())(`UPDATE "User" SET "lastLoginAt" = $2, "updatedAt" = $2 WHERE "id" = $1::uuid`, [id, now]);
}

export async function findUserById(id: string, tx?: Tx): Promise<UserRecord | null> {
  return withSignInAddress(await (await client(tx)).user.findUnique({ where: { id }, include: withRoles }));
}


/** Hot path (UserInfo, token endpoint): the releasable columns only, one direct statement. */
export async function findUserClaimsRow(id: string) {
  if (!isUuid(id)) return null;
  const rows = await (await getSql())<{ id: string; email: string; emailVerifiedAt: Date | null; displayName: string | null; updatedAt: Date; disabledAt: Date | null }>(
    `SELECT "id", "email", "emailVerifiedAt", "displayName", "updatedAt", "disabledAt" FROM "User" WHERE "id" = $1::uuid AND "email" IS NOT NULL`,
    [id],
  );
  return rows[0] ?? null;
}

export async function insertUser(
  data: {
    email: string;
    passwordHash: string | null;
    displayName?: string;
    termsAcceptedAt?: Date;
    emailVerifiedAt?: Date;
    roles?: string[];
    pendingConsents?: PendingConsents;
    /** Custom attribute values, already checked against their definitions (lib/profile). */
    attributes?: Record<string, unknown>;
  },
  tx?: Tx,
): Promise<UserRecord> {
  const { roles, pendingConsents, attributes, ...fields } = data;
  const created = await (await client(tx)).user.create({
    data: { ...fields, attributes: (attributes ?? {}) as Prisma.InputJsonObject, pendingConsents: pendingConsents ? (pendingConsents as unknown as Prisma.InputJsonObject) : undefined, passwordChangedAt: fields.passwordHash ? new Date() : null, roles: roles ? { create: roles.map((role) => ({ role })) } : undefined },
    include: withRoles,
  });
  return { ...created, email: data.email };
}

/** The purposes ticked on the registration form, waiting for the address to be verified (schema.prisma User.pendingConsents). */
export interface PendingConsents {
  /** When the form was sent (ISO 8601). */
  at: string;
  consents: RegistrationConsent[];
}

/** An update's value that clears the pending consents (SQL NULL, not JSON null). */
export const NO_PENDING_CONSENTS = Prisma.DbNull;

/** Takes an account's pending consents: returns them and clears the column, in the caller's transaction. */
export async function takePendingConsents(userId: string, tx: Tx): Promise<PendingConsents | null> {
  const row = await tx.user.findUnique({ where: { id: userId }, select: { pendingConsents: true } });
  const pending = row ? (jsonColumn(row.pendingConsents) as PendingConsents | null | undefined) : null;
  if (!pending) return null;
  await tx.user.update({ where: { id: userId }, data: { pendingConsents: NO_PENDING_CONSENTS } });
  return pending;
}

export async function updateUser(id: string, data: Prisma.UserUpdateInput, tx?: Tx): Promise<void> {
  await (await client(tx)).user.update({ where: { id }, data });
}

export async function countUsersWithRole(role: string): Promise<number> {
  return (await client()).userRole.count({ where: { role } });
}

export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

// Deletion (lib/users/deletion.ts) -----------------------------------------------------------------

export interface DeletionState {
  id: string;
  /** None for an account provisioned without a sign-in address (only the erasure reads those). */
  email: string | null;
  displayName: string | null;
  disabledAt: Date | null;
  deletionRequestedAt: Date | null;
  deletionDueAt: Date | null;
}

const deletionColumns = { id: true, email: true, displayName: true, disabledAt: true, deletionRequestedAt: true, deletionDueAt: true } as const;

export async function findDeletionState(id: string, tx?: Tx): Promise<(DeletionState & { email: string }) | null> {
  return withSignInAddress(await (await client(tx)).user.findUnique({ where: { id }, select: deletionColumns }));
}

/** The row's deletion state under a row lock, whether or not it has a sign-in address. */
export async function findDeletionStateForUpdate(id: string, tx: Tx): Promise<DeletionState | null> {
  const [row] = await tx.$queryRaw<DeletionState[]>`
    SELECT "id", "email", "displayName", "disabledAt", "deletionRequestedAt", "deletionDueAt" FROM "User" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return row ?? null;
}

/** Accounts whose erasure is due, oldest first. */
export async function listAccountsDueForErasure(now: Date, limit: number): Promise<string[]> {
  const rows = await (await getDb()).user.findMany({ where: { deletionDueAt: { lte: now } }, orderBy: { deletionDueAt: "asc" }, take: limit, select: { id: true } });
  return rows.map((r) => r.id);
}

/**
 * The account, locked for this transaction, if its erasure is still due: a cancellation that
 * committed first wins, and one that comes later waits and then finds nothing to restore.
 */
export async function lockAccountDueForErasure(id: string, now: Date, tx: Tx): Promise<DeletionState | null> {
  const [row] = await tx.$queryRaw<DeletionState[]>`
    SELECT "id", "email", "displayName", "disabledAt", "deletionRequestedAt", "deletionDueAt" FROM "User"
     WHERE "id" = ${id}::uuid AND "deletionDueAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC') FOR UPDATE`;
  return row ?? null;
}

/** The phone numbers the account holds: its profile (contact) number and its SMS factors' numbers, confirmed or not. */
export async function phoneNumbersOfUser(id: string, tx: Tx): Promise<string[]> {
  const row = await tx.user.findUnique({ where: { id }, select: { phoneNumber: true, mfaFactors: { where: { phone: { not: null } }, select: { phone: true } } } });
  if (!row) return [];
  return [...new Set([row.phoneNumber, ...row.mfaFactors.map((f) => f.phone)].filter((n): n is string => Boolean(n)))];
}

/**
 * Which of `numbers` another account holds as a confirmed SMS factor (proved by a code sent to it;
 * indexed lookup). Texts go only to factor numbers, and anyone can type a number into a profile or
 * start an enrolment, which must not keep a stranger's texts from erasure.
 */
export async function phoneNumbersHeld(numbers: string[], tx: Tx): Promise<Set<string>> {
  if (!numbers.length) return new Set();
  const rows = await tx.$queryRaw<{ n: string }[]>`
    SELECT n FROM unnest(${numbers}::text[]) n
     WHERE EXISTS (SELECT 1 FROM "MfaFactor" f WHERE f."phone" = n AND f."confirmedAt" IS NOT NULL)`;
  return new Set(rows.map((r) => r.n));
}

/** The account row; sessions, tokens, factors, roles, devices and assessments go with it (ON DELETE CASCADE). */
export async function deleteUserRow(id: string, tx: Tx): Promise<void> {
  await tx.user.delete({ where: { id } });
}

/**
 * What the account's owner is shown about it (their data export): safe columns only. Whether a
 * password is set is asked of the database, so the hash itself is never read.
 */
export async function findAccountSummaryRow(id: string) {
  if (!isUuid(id)) return null;
  const db = await getDb();
  const row = await db.user.findUnique({
    where: { id },
    select: { id: true, email: true, emailVerifiedAt: true, displayName: true, createdAt: true, lastLoginAt: true, lockedUntil: true, disabledAt: true, passwordChangedAt: true, pendingConsents: true },
  });
  if (!row || row.email === null) return null;
  const passwordSet = (await db.user.count({ where: { id, passwordHash: { not: null } } })) === 1;
  return { ...row, email: row.email, pendingConsents: (jsonColumn(row.pendingConsents) as PendingConsents | null | undefined) ?? null, passwordSet };
}

// The console (admin-user-actions.ts, admin-user-read.ts) ---------------------------------------------

/** What an administrator's action needs to know of its target: who, which segment, which state. */
export async function findAdminTarget(id: string, tx?: Tx) {
  if (!isUuid(id)) return null;
  return withSignInAddress(
    await (await client(tx)).user.findUnique({
      where: { id },
      select: { id: true, email: true, displayName: true, attributes: true, emailVerifiedAt: true, lockedUntil: true, disabledAt: true, deletionDueAt: true, passwordResetRequiredAt: true, roles: { select: { role: true, scope: true } } },
    }),
  );
}

/** findAdminTarget by the sign-in address (already normalised). */
export async function findAdminTargetByEmail(email: string, tx?: Tx) {
  return withSignInAddress(
    await (await client(tx)).user.findUnique({
      where: { email },
      select: { id: true, email: true, displayName: true, attributes: true, emailVerifiedAt: true, lockedUntil: true, disabledAt: true, deletionDueAt: true, passwordResetRequiredAt: true, roles: { select: { role: true, scope: true } } },
    }),
  );
}

/** The console's user page: every column but secrets (no password hash; whether one is set is asked of the database). */
export async function findUserDetailRow(id: string) {
  if (!isUuid(id)) return null;
  const db = await getDb();
  const row = await db.user.findUnique({
    where: { id },
    omit: { passwordHash: true, pendingConsents: true },
    include: withRoles,
  });
  if (!row || row.email === null) return null;
  const passwordSet = (await db.user.count({ where: { id, passwordHash: { not: null } } })) === 1;
  return { ...row, email: row.email, passwordSet };
}
