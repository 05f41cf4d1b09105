// SCIM's reads and writes of users and groups. Staff (anyone holding a console role) are outside
// SCIM's reach: a provisioning token must never be a way to change who administers Portico.
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";

export type { Tx };
export { withTransaction, isUniqueViolation } from "@/lib/db";

/** The columns a SCIM User is made of (user-resource.ts): what a write sets, and what only reads see. */
export interface ScimUserRow extends Omit<ScimUserWrite, "userName"> {
  id: string;
  email: string | null;
  /** None for a customer who registered (they sign in with their address). */
  userName: string | null;
  /** The owner asked for the account's deletion (GDPR art. 17): it stays disabled. */
  deletionRequestedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  groups: { id: string; displayName: string }[];
}

export interface ScimGroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** `display`: as shown (the client's name for the member, else the user's); `given`: the client's, if any. */
  members: { id: string; display: string | null; given: string | null }[];
}

const NOT_STAFF = Prisma.sql`NOT EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = u."id")`;

const USER_COLUMNS = Prisma.sql`u."id", u."email", u."userName", u."externalId", u."displayName", u."givenName", u."familyName", u."middleName",
  u."nickname", u."websiteUrl", u."locale", u."zoneinfo", u."disabledAt", u."deletionRequestedAt", u."createdAt", u."updatedAt", u."scimAttributes", u."attributes",
  COALESCE((SELECT json_agg(json_build_object('id', g."id", 'displayName', g."displayName") ORDER BY g."displayName")
              FROM "GroupMember" gm JOIN "Group" g ON g."id" = gm."groupId" WHERE gm."userId" = u."id"), '[]'::json) AS "groups"`;

const GROUP_COLUMNS = Prisma.sql`g."id", g."displayName", g."externalId", g."createdAt", g."updatedAt",
  COALESCE((SELECT json_agg(json_build_object('id', m."userId", 'display', COALESCE(m."display", mu."displayName", mu."userName", mu."email"), 'given', m."display") ORDER BY m."createdAt", m."userId")
              FROM "GroupMember" m JOIN "User" mu ON mu."id" = m."userId"
             WHERE m."groupId" = g."id" AND NOT EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = m."userId")), '[]'::json) AS "members"`;

const GROUP_COLUMNS_WITHOUT_MEMBERS = Prisma.sql`g."id", g."displayName", g."externalId", g."createdAt", g."updatedAt", '[]'::json AS "members"`;

export interface ListWindow {
  where: Prisma.Sql | null;
  orderBy: Prisma.Sql | null;
  descending: boolean;
  /** 0-based (startIndex - 1). */
  offset: number;
  limit: number;
}

const whereOf = (base: Prisma.Sql[], extra: Prisma.Sql | null) => Prisma.join(extra ? [...base, Prisma.sql`(${extra})`] : base, " AND ");

/**
 * totalResults without a count when the page itself tells it: a page that is not full ends the
 * list (most filtered lookups: one statement instead of two).
 */
async function totalOf(rows: unknown[], window: ListWindow, count: () => Promise<number>): Promise<number> {
  if (window.limit > 0 && rows.length > 0 && rows.length < window.limit) return window.offset + rows.length;
  if (window.limit > 0 && rows.length === 0 && window.offset === 0) return 0;
  return count();
}

export async function listScimUsers(window: ListWindow): Promise<{ total: number; rows: ScimUserRow[] }> {
  const db = await getDb();
  const where = whereOf([NOT_STAFF], window.where);
  const dir = window.descending ? Prisma.raw("DESC") : Prisma.raw("ASC");
  const order = window.orderBy ? Prisma.sql`${window.orderBy} ${dir} NULLS LAST, u."id" ${dir}` : Prisma.sql`u."createdAt", u."id"`;
  // The page's ids first (OFFSET walks only the sort's index and the filter), then the columns
  // and groups of those rows alone: a deep page does not read every skipped row's groups.
  const rows =
    window.limit === 0
      ? []
      : await db.$queryRaw<ScimUserRow[]>(
          Prisma.sql`WITH page AS MATERIALIZED (SELECT u."id" FROM "User" u WHERE ${where} ORDER BY ${order} LIMIT ${window.limit} OFFSET ${window.offset})
                     SELECT ${USER_COLUMNS} FROM page p JOIN "User" u ON u."id" = p."id" ORDER BY ${order}`,
        );
  const total = await totalOf(rows, window, async () => (await db.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM "User" u WHERE ${where}`))[0]?.n ?? 0);
  return { total, rows };
}

export async function findScimUser(id: string, tx?: Tx, opts: { lock?: boolean } = {}): Promise<ScimUserRow | null> {
  const db = tx ?? (await getDb());
  const lock = opts.lock ? Prisma.sql`FOR UPDATE OF u` : Prisma.empty;
  const [row] = await db.$queryRaw<ScimUserRow[]>(Prisma.sql`SELECT ${USER_COLUMNS} FROM "User" u WHERE u."id" = ${id}::uuid AND ${NOT_STAFF} ${lock}`);
  return row ?? null;
}

/** The columns SCIM writes (user-resource.ts fromScimUser). */
export interface ScimUserWrite {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  middleName: string | null;
  nickname: string | null;
  websiteUrl: string | null;
  locale: string | null;
  zoneinfo: string | null;
  disabledAt: Date | null;
  scimAttributes: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

export async function insertScimUser(data: ScimUserWrite & { email: string | null; passwordHash: string | null }, tx: Tx): Promise<string> {
  const { scimAttributes, attributes, ...columns } = data;
  const row = await tx.user.create({
    data: { ...columns, scimAttributes: scimAttributes as Prisma.InputJsonObject, attributes: attributes as Prisma.InputJsonObject, passwordChangedAt: data.passwordHash ? new Date() : null },
    select: { id: true },
  });
  return row.id;
}

export async function updateScimUser(id: string, data: ScimUserWrite & { email?: string; emailVerifiedAt?: null; passwordHash?: string }, tx: Tx): Promise<void> {
  const { scimAttributes, attributes, ...columns } = data;
  await tx.user.update({
    where: { id },
    data: { ...columns, scimAttributes: scimAttributes as Prisma.InputJsonObject, attributes: attributes as Prisma.InputJsonObject, ...(data.passwordHash ? { passwordChangedAt: new Date() } : {}) },
  });
}

/** Whether another account holds `email` as its sign-in address. */
export async function signInAddressHeld(email: string, exceptUserId: string | null, tx: Tx): Promise<boolean> {
  const row = await tx.user.findUnique({ where: { email }, select: { id: true } });
  return row !== null && row.id !== exceptUserId;
}

/**
 * Whether another account is known by `userName`, ignoring case: as its userName, or as its sign-in
 * address when it has none (the userName its resource shows and filters find). Staff are outside
 * SCIM: their address is not "taken" here, or a 409 would tell a client that a staff account exists.
 */
export async function userNameHeld(userName: string, exceptUserId: string | null, tx: Tx): Promise<boolean> {
  const except = exceptUserId ? Prisma.sql`AND u."id" <> ${exceptUserId}::uuid` : Prisma.empty;
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT u."id" FROM "User" u WHERE lower(COALESCE(u."userName", u."email")) COLLATE "C" = lower(${userName}) AND ${NOT_STAFF} ${except} LIMIT 1`;
  return row !== undefined;
}

/** Ids among `ids` that are users SCIM may reference (existing, not staff). */
export async function existingScimUserIds(ids: string[], tx: Tx): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT u."id" FROM "User" u WHERE u."id" = ANY(${ids}::uuid[]) AND ${NOT_STAFF}`;
  return new Set(rows.map((r) => r.id));
}

// Groups ------------------------------------------------------------------------------------------

export async function listScimGroups(window: ListWindow, withMembers: boolean): Promise<{ total: number; rows: ScimGroupRow[] }> {
  const db = await getDb();
  const where = window.where ? window.where : Prisma.sql`TRUE`;
  const dir = window.descending ? Prisma.raw("DESC") : Prisma.raw("ASC");
  const order = window.orderBy ? Prisma.sql`${window.orderBy} ${dir} NULLS LAST, g."id" ${dir}` : Prisma.sql`g."createdAt", g."id"`;
  const columns = withMembers ? GROUP_COLUMNS : GROUP_COLUMNS_WITHOUT_MEMBERS;
  const rows =
    window.limit === 0 ? [] : await db.$queryRaw<ScimGroupRow[]>(Prisma.sql`SELECT ${columns} FROM "Group" g WHERE ${where} ORDER BY ${order} LIMIT ${window.limit} OFFSET ${window.offset}`);
  const total = await totalOf(rows, window, async () => (await db.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM "Group" g WHERE ${where}`))[0]?.n ?? 0);
  return { total, rows };
}

export async function findScimGroup(id: string, tx?: Tx, opts: { lock?: boolean } = {}): Promise<ScimGroupRow | null> {
  const db = tx ?? (await getDb());
  const lock = opts.lock ? Prisma.sql`FOR UPDATE OF g` : Prisma.empty;
  const [row] = await db.$queryRaw<ScimGroupRow[]>(Prisma.sql`SELECT ${GROUP_COLUMNS} FROM "Group" g WHERE g."id" = ${id}::uuid ${lock}`);
  return row ?? null;
}

export async function groupNameHeld(displayName: string, exceptGroupId: string | null, tx: Tx): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Group" WHERE lower("displayName") COLLATE "C" = lower(${displayName}) LIMIT 1`;
  return row !== undefined && row.id !== exceptGroupId;
}

export async function insertScimGroup(data: { displayName: string; externalId: string | null }, tx: Tx): Promise<string> {
  return (await tx.group.create({ data, select: { id: true } })).id;
}

export async function updateScimGroup(id: string, data: { displayName: string; externalId: string | null }, tx: Tx): Promise<void> {
  await tx.group.update({ where: { id }, data });
}

/** Makes the group's members exactly `members`; returns who was added and who removed. */
export async function setGroupMembers(groupId: string, members: { userId: string; display: string | null }[], tx: Tx): Promise<{ added: string[]; removed: string[] }> {
  // Staff are outside SCIM: a member who became staff is neither shown nor removed by a recompute.
  const current = new Map((await tx.groupMember.findMany({ where: { groupId, user: { roles: { none: {} } } }, select: { userId: true, display: true } })).map((m) => [m.userId, m.display]));
  const wanted = new Map(members.map((m) => [m.userId, m.display]));
  const added = [...wanted.keys()].filter((id) => !current.has(id));
  const removed = [...current.keys()].filter((id) => !wanted.has(id));
  const renamed = [...wanted].filter(([id, display]) => current.has(id) && current.get(id) !== display);
  if (removed.length) await tx.groupMember.deleteMany({ where: { groupId, userId: { in: removed } } });
  if (added.length) await tx.groupMember.createMany({ data: added.map((userId) => ({ groupId, userId, display: wanted.get(userId) ?? null })), skipDuplicates: true });
  for (const [userId, display] of renamed) await tx.groupMember.update({ where: { groupId_userId: { groupId, userId } }, data: { display } });
  if (added.length || removed.length || renamed.length) await tx.group.update({ where: { id: groupId }, data: { updatedAt: new Date() } });
  return { added, removed };
}

/** Deletes the group; `members` are everyone it had (staff too: their membership goes with it). */
export async function deleteScimGroup(id: string, tx: Tx): Promise<{ deleted: boolean; members: string[] }> {
  const members = (await tx.groupMember.findMany({ where: { groupId: id }, select: { userId: true } })).map((m) => m.userId);
  const { count } = await tx.group.deleteMany({ where: { id } });
  return { deleted: count === 1, members };
}
