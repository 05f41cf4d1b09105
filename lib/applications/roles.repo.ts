import "server-only";
// Application roles and their assignments: Prisma for administration; the direct SQL path
// (lib/db/sql.ts) for entitlementsFor, read at every token issuance and UserInfo answer of an
// application that releases roles or groups, or requires a role.
import { getDb, getSql, Prisma, type Tx } from "@/lib/db";
import type { ApplicationRole } from "@/lib/db/generated/client";

export type ApplicationRoleRecord = ApplicationRole;

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

export async function insertRole(data: { applicationId: string; name: string; description: string | null }, tx: Tx): Promise<ApplicationRole> {
  return tx.applicationRole.create({ data });
}

export async function findRole(id: string, tx?: Tx): Promise<ApplicationRole | null> {
  return (await client(tx)).applicationRole.findUnique({ where: { id } });
}

export async function updateRoleRow(id: string, data: { name: string; description: string | null }, tx: Tx): Promise<ApplicationRole> {
  return tx.applicationRole.update({ where: { id }, data });
}

export async function deleteRoleRow(id: string, tx: Tx): Promise<void> {
  await tx.applicationRole.delete({ where: { id } });
}

export async function listRoleNames(applicationId: string, tx: Tx): Promise<string[]> {
  return (await tx.applicationRole.findMany({ where: { applicationId }, select: { name: true } })).map((r) => r.name);
}

export async function listRoleRows(applicationId: string) {
  return (await client()).applicationRole.findMany({
    where: { applicationId },
    orderBy: { name: "asc" },
    take: 500,
    include: {
      assignments: {
        orderBy: { createdAt: "asc" },
        include: { user: { select: { id: true, email: true, displayName: true } }, group: { select: { id: true, displayName: true } } },
      },
    },
  });
}

/** Inserts the assignment; false when the holder already has the role. */
export async function insertAssignment(data: { roleId: string; userId?: string; groupId?: string }, tx: Tx): Promise<boolean> {
  try {
    // A savepoint-free check first: a unique violation would abort the surrounding transaction.
    const existing = await tx.roleAssignment.findFirst({ where: { roleId: data.roleId, userId: data.userId ?? null, groupId: data.groupId ?? null }, select: { id: true } });
    if (existing) return false;
    await tx.roleAssignment.create({ data });
    return true;
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return false;
    throw e;
  }
}

/** Removes the assignment; false when there was none. */
export async function deleteAssignment(where: { roleId: string; userId?: string; groupId?: string }, tx: Tx): Promise<boolean> {
  const r = await tx.roleAssignment.deleteMany({ where: { roleId: where.roleId, userId: where.userId ?? null, groupId: where.groupId ?? null } });
  return r.count > 0;
}

/**
 * Who holds a role through these assignments (all of the role's when neither userId nor groupId is
 * given): each account assigned directly, and each current member of each group assigned (with the
 * group's id). For the identity events, which are about people.
 */
export async function holdersOf(where: { roleId: string; userId?: string; groupId?: string }, tx: Tx): Promise<{ userId: string; groupId?: string }[]> {
  const direct = where.groupId ? [] : await tx.roleAssignment.findMany({ where: { roleId: where.roleId, userId: where.userId ?? { not: null } }, select: { userId: true } });
  const groups = where.userId
    ? []
    : await tx.roleAssignment.findMany({ where: { roleId: where.roleId, groupId: where.groupId ?? { not: null } }, select: { groupId: true } });
  const groupIds = groups.map((g) => g.groupId!).filter(Boolean);
  const members = groupIds.length ? await tx.groupMember.findMany({ where: { groupId: { in: groupIds } }, select: { groupId: true, userId: true }, orderBy: [{ groupId: "asc" }, { userId: "asc" }] }) : [];
  return [...direct.map((d) => ({ userId: d.userId! })), ...members.map((m) => ({ userId: m.userId, groupId: m.groupId }))];
}

export async function userExists(id: string, tx?: Tx): Promise<{ id: string; email: string | null } | null> {
  return (await client(tx)).user.findUnique({ where: { id }, select: { id: true, email: true } });
}

export async function groupExists(id: string, tx?: Tx): Promise<{ id: string; displayName: string } | null> {
  return (await client(tx)).group.findUnique({ where: { id }, select: { id: true, displayName: true } });
}

/** The console's "assign to": an account by its (normalised) sign-in address. */
export async function findUserIdByEmail(email: string): Promise<string | null> {
  return (await (await client()).user.findUnique({ where: { email }, select: { id: true } }))?.id ?? null;
}

/** A group by its name, ignoring case (the unique index on lower("displayName") COLLATE "C"). */
export async function findGroupIdByName(name: string): Promise<string | null> {
  const rows = await (await getSql())<{ id: string }>(`SELECT "id" FROM "Group" WHERE lower("displayName") COLLATE "C" = lower($1) COLLATE "C"`, [name]);
  return rows[0]?.id ?? null;
}

interface EntitlementRow {
  roles: string[] | null;
  groups: string[] | null;
}

/**
 * One statement: the application's role names the user holds directly or through a group, and the
 * names of the user's groups holding one of its roles; each sorted and without repeats.
 */
export async function selectEntitlements(applicationId: string, userId: string): Promise<{ roles: string[]; groups: string[] }> {
  const [row] = await (await getSql())<EntitlementRow>(
    `WITH held AS (
       SELECT r."name", NULL::text AS "groupName"
         FROM "RoleAssignment" a JOIN "ApplicationRole" r ON r."id" = a."roleId"
        WHERE a."userId" = $2 AND r."applicationId" = $1
       UNION ALL
       SELECT r."name", g."displayName"
         FROM "GroupMember" m
         JOIN "RoleAssignment" a ON a."groupId" = m."groupId"
         JOIN "ApplicationRole" r ON r."id" = a."roleId"
         JOIN "Group" g ON g."id" = m."groupId"
        WHERE m."userId" = $2 AND r."applicationId" = $1
     )
     SELECT array(SELECT DISTINCT "name"::text COLLATE "C" AS n FROM held ORDER BY n) AS "roles",
            array(SELECT DISTINCT "groupName"::text COLLATE "C" AS n FROM held WHERE "groupName" IS NOT NULL ORDER BY n) AS "groups"`,
    [applicationId, userId],
  );
  return { roles: row?.roles ?? [], groups: row?.groups ?? [] };
}
