// The console's reads and writes of groups (the SCIM API has its own, lib/scim/scim.repo.ts). Names
// are compared as lower("displayName") COLLATE "C", the expression of the unique index (migration
// 20261217090000_scim), so a prefix search is one range of it and the list pages along it.
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";

export type { Tx };
export { withTransaction, isUniqueViolation } from "@/lib/db";

export interface GroupListRow {
  id: string;
  displayName: string;
  /** lower(displayName): the list's key, the next page's cursor. */
  sortKey: string;
  memberCount: number;
  updatedAt: Date;
}

const NAME = Prisma.sql`lower(g."displayName") COLLATE "C"`;

/** Groups by name, `limit` of them after `after` (a sort key), optionally those whose name starts with `prefix`. */
export async function listGroupRows(opts: { prefix: string | null; after: string | null; limit: number }): Promise<GroupListRow[]> {
  const conditions: Prisma.Sql[] = [];
  if (opts.prefix) conditions.push(Prisma.sql`${NAME} >= lower(${opts.prefix}) COLLATE "C" AND ${NAME} < (lower(${opts.prefix}) || chr(1114111)) COLLATE "C"`);
  if (opts.after !== null) conditions.push(Prisma.sql`${NAME} > ${opts.after} COLLATE "C"`);
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  return (await getDb()).$queryRaw<GroupListRow[]>(Prisma.sql`
    SELECT g."id", g."displayName", lower(g."displayName") AS "sortKey", g."updatedAt",
           (SELECT count(*)::int FROM "GroupMember" m WHERE m."groupId" = g."id") AS "memberCount"
      FROM "Group" g ${where}
     ORDER BY ${NAME} LIMIT ${opts.limit}`);
}

export interface GroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
  memberCount: number;
}

export async function findGroupRow(id: string, tx?: Tx): Promise<GroupRow | null> {
  const db = tx ?? (await getDb());
  const row = await db.group.findUnique({ where: { id }, select: { id: true, displayName: true, externalId: true, createdAt: true, updatedAt: true, _count: { select: { members: true } } } });
  if (!row) return null;
  const { _count, ...group } = row;
  return { ...group, memberCount: _count.members };
}

/** Locks the group's row for the rest of the transaction; null when there is none. */
export async function lockGroupRow(id: string, tx: Tx): Promise<{ id: string; displayName: string } | null> {
  const [row] = await tx.$queryRaw<{ id: string; displayName: string }[]>`SELECT "id", "displayName" FROM "Group" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return row ?? null;
}

export interface GroupMemberRow {
  userId: string;
  email: string | null;
  displayName: string | null;
  /** The name the provisioning client gave the member, if any. */
  display: string | null;
  attributes: unknown;
  addedAt: Date;
}

/** Members in the order they joined, `limit` of them after the member (joined at, user id) `after`. */
export async function listGroupMemberRows(groupId: string, after: { addedAt: Date; userId: string } | null, limit: number): Promise<GroupMemberRow[]> {
  const rows = await (await getDb()).groupMember.findMany({
    where: { groupId, ...(after ? { OR: [{ createdAt: { gt: after.addedAt } }, { createdAt: after.addedAt, userId: { gt: after.userId } }] } : {}) },
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
    take: limit,
    select: { userId: true, display: true, createdAt: true, user: { select: { email: true, displayName: true, attributes: true } } },
  });
  return rows.map((r) => ({ userId: r.userId, email: r.user.email, displayName: r.user.displayName, display: r.display, attributes: r.user.attributes, addedAt: r.createdAt }));
}

/** Whether a group other than `exceptId` has this name, ignoring case. */
export async function groupNameHeld(displayName: string, exceptId: string | null, tx: Tx): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Group" WHERE lower("displayName") COLLATE "C" = lower(${displayName}) COLLATE "C" LIMIT 1`;
  return row !== undefined && row.id !== exceptId;
}

export async function insertGroup(displayName: string, tx: Tx): Promise<{ id: string; displayName: string }> {
  return tx.group.create({ data: { displayName }, select: { id: true, displayName: true } });
}

export async function renameGroupRow(id: string, displayName: string, tx: Tx): Promise<void> {
  await tx.group.update({ where: { id }, data: { displayName } });
}

/** Deletes the group; returns the ids of the members its memberships took with it. */
export async function deleteGroupRow(id: string, tx: Tx): Promise<string[]> {
  const members = await tx.groupMember.findMany({ where: { groupId: id }, select: { userId: true } });
  await tx.group.delete({ where: { id } });
  return members.map((m) => m.userId);
}

/** Adds the member; false when they already are one. Bumps the group's updatedAt (SCIM's meta.version). */
export async function insertGroupMember(groupId: string, userId: string, tx: Tx): Promise<boolean> {
  const { count } = await tx.groupMember.createMany({ data: [{ groupId, userId }], skipDuplicates: true });
  if (count) await touchGroup(groupId, tx);
  return count > 0;
}

/** Removes the member; false when they were not one. */
export async function deleteGroupMember(groupId: string, userId: string, tx: Tx): Promise<boolean> {
  const { count } = await tx.groupMember.deleteMany({ where: { groupId, userId } });
  if (count) await touchGroup(groupId, tx);
  return count > 0;
}

async function touchGroup(id: string, tx: Tx): Promise<void> {
  await tx.group.update({ where: { id }, data: { updatedAt: new Date() } });
}

/** The member's account, for the audit event and the permission check over its segment. */
export async function findMemberAccount(groupId: string, userId: string, tx: Tx): Promise<{ userId: string; email: string | null; attributes: unknown } | null> {
  const row = await tx.groupMember.findUnique({ where: { groupId_userId: { groupId, userId } }, select: { userId: true, user: { select: { email: true, attributes: true } } } });
  return row ? { userId: row.userId, email: row.user.email, attributes: row.user.attributes } : null;
}
