import "server-only";
import type { Tx } from "@/lib/db";
import { getDb } from "@/lib/db";

export interface RoleHolderRow {
  id: string;
  email: string;
  displayName: string | null;
  roles: { role: string; scope: string | null; createdAt: Date }[];
}

/** Everyone holding an administrative role, by email (a few dozen people, not the customer base). */
export async function listRoleHolders(): Promise<RoleHolderRow[]> {
  return (await listRoleHolderRows()) as RoleHolderRow[];
}

async function listRoleHolderRows() {
  return (await getDb()).user.findMany({
    where: { roles: { some: {} }, email: { not: null } },
    orderBy: { email: "asc" },
    select: { id: true, email: true, displayName: true, roles: { select: { role: true, scope: true, createdAt: true }, orderBy: [{ role: "asc" }, { scope: "asc" }] } },
    take: 1000,
  });
}

/** Enabled accounts holding an administrative role, with their grants (the people to tell about a console matter). */
export async function listActiveRoleHolders(): Promise<RoleHolderRow[]> {
  return (await (await getDb()).user.findMany({
    where: { roles: { some: {} }, email: { not: null }, disabledAt: null },
    orderBy: { email: "asc" },
    select: { id: true, email: true, displayName: true, roles: { select: { role: true, scope: true, createdAt: true } } },
    take: 1000,
  })) as RoleHolderRow[];
}

/** By id or by (normalised) email. */
export async function findRoleTarget(user: { id: string } | { email: string }, tx: Tx) {
  const row = await tx.user.findUnique({ where: "id" in user ? { id: user.id } : { email: user.email }, select: { id: true, email: true, displayName: true, emailVerifiedAt: true, disabledAt: true } });
  // Only an account with a sign-in address can sign in to the console.
  return row && row.email !== null ? { ...row, email: row.email } : null;
}

/** A person's grants as sessions carry them ("role" or "role:scope"); none once their account is disabled. */
export async function findGrants(userId: string): Promise<string[]> {
  const rows = await (await getDb()).userRole.findMany({ where: { userId, user: { disabledAt: null } }, select: { role: true, scope: true } });
  return rows.map((r) => (r.scope ? `${r.role}:${r.scope}` : r.role));
}

/** Whether an application exists (an application administrator's scope must name one; read here, as one row, to keep lib/applications out of lib/users). */
export async function applicationExists(id: string, tx: Tx): Promise<boolean> {
  return (await tx.application.findUnique({ where: { id }, select: { id: true } })) !== null;
}

/** Inserts the grant unless held; true when it was new. */
export async function insertGrant(userId: string, role: string, scope: string | null, tx: Tx): Promise<boolean> {
  // The unique index treats NULL scopes as distinct, so look first (under the lock the caller took).
  const held = await tx.userRole.findFirst({ where: { userId, role, scope }, select: { id: true } });
  if (held) return false;
  await tx.userRole.create({ data: { userId, role, scope } });
  return true;
}

export async function deleteGrant(userId: string, role: string, scope: string | null, tx: Tx): Promise<boolean> {
  const { count } = await tx.userRole.deleteMany({ where: { userId, role, scope } });
  return count > 0;
}

/**
 * Locks every tenant-wide super administrator grant (FOR UPDATE) and returns the holders who can
 * use it (an active, verified account): two administrators removing each other at once then run
 * one after the other, and the second sees that only one is left.
 */
export async function lockSuperAdministrators(role: string, tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRaw<{ userId: string }[]>`
    SELECT r."userId" FROM "UserRole" r JOIN "User" u ON u."id" = r."userId"
    WHERE r."role" = ${role} AND r."scope" IS NULL AND u."disabledAt" IS NULL AND u."emailVerifiedAt" IS NOT NULL
    FOR UPDATE OF r`;
  return rows.map((r) => r.userId);
}

/** Serialises grants to one account (FOR UPDATE on the user row). */
export async function lockUser(userId: string, tx: Tx): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
}

/** Whether the account holds any console role (staff), in the caller's transaction. */
export async function holdsConsoleRole(userId: string, tx: Tx): Promise<boolean> {
  return (await tx.userRole.count({ where: { userId } })) > 0;
}
