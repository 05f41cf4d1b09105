import "server-only";
import { isUuid } from "@/lib/formats";
import { getDb, getSql, withTransaction, Prisma, type Tx } from "@/lib/db";

export { withTransaction, type Tx };

const withRoles = { roles: { select: { role: true, scope: true } } } as const;
export type UserRecord = Prisma.UserGetPayload<{ include: typeof withRoles }>;

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

export async function findUserByEmail(email: string, tx?: Tx): Promise<UserRecord | null> {
  return (await client(tx)).user.findUnique({ where: { email }, include: withRoles });
}

export async function findUserById(id: string, tx?: Tx): Promise<UserRecord | null> {
  return (await client(tx)).user.findUnique({ where: { id }, include: withRoles });
}


/** Hot path (UserInfo, token endpoint): the releasable columns only, one direct statement. */
export async function findUserClaimsRow(id: string) {
  if (!isUuid(id)) return null;
  const rows = await (await getSql())<{ id: string; email: string; emailVerifiedAt: Date | null; displayName: string | null; updatedAt: Date; disabledAt: Date | null }>(
    `SELECT "id", "email", "emailVerifiedAt", "displayName", "updatedAt", "disabledAt" FROM "User" WHERE "id" = $1::uuid`,
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
  },
  tx?: Tx,
): Promise<UserRecord> {
  const { roles, ...fields } = data;
  return (await client(tx)).user.create({
    data: { ...fields, passwordChangedAt: fields.passwordHash ? new Date() : null, roles: roles ? { create: roles.map((role) => ({ role })) } : undefined },
    include: withRoles,
  });
}

export async function updateUser(id: string, data: Prisma.UserUpdateInput, tx?: Tx): Promise<void> {
  await (await client(tx)).user.update({ where: { id }, data });
}

export async function countUsersWithRole(role: string): Promise<number> {
  return (await client()).userRole.count({ where: { role } });
}

/** Prisma's `contains` is a LIKE pattern and leaves `%` and `_` live: escape them to search for the literal text. */
function likeLiteral(q: string): string {
  return q.replace(/[\\%_]/g, "\\$&");
}

export async function searchUsers(q: string | undefined, take: number) {
  const text = q ? likeLiteral(q) : undefined;
  return (await client()).user.findMany({
    where: text
      ? { OR: [{ email: { contains: text, mode: "insensitive" } }, { displayName: { contains: text, mode: "insensitive" } }] }
      : undefined,
    orderBy: { createdAt: "desc" },
    take,
    include: withRoles,
  });
}

export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}
