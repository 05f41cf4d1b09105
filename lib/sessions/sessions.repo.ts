import "server-only";
import { getDb, type Tx } from "@/lib/db";

export async function insertSession(
  data: { tokenHash: string; userId: string; expiresAt: Date; ip?: string; userAgent?: string },
  tx?: Tx,
) {
  return (tx ?? (await getDb())).session.create({ data });
}

/** One query: the session and the user with roles (hot path: every signed-in request). */
export async function findSessionByTokenHash(tokenHash: string) {
  return (await getDb()).session.findUnique({
    where: { tokenHash },
    include: { user: { include: { roles: { select: { role: true, scope: true } } } } },
  });
}

export async function touchSession(id: string, now: Date): Promise<void> {
  await (await getDb()).session.update({ where: { id }, data: { lastSeenAt: now } });
}

export async function revokeSessionById(id: string, reason: string, now: Date, tx?: Tx): Promise<number> {
  const { count } = await (tx ?? (await getDb())).session.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

export async function revokeSessionsOfUser(userId: string, reason: string, now: Date, exceptId?: string, tx?: Tx) {
  const { count } = await (tx ?? (await getDb())).session.updateMany({
    where: { userId, revokedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

export async function listActiveSessions(userId: string, now: Date) {
  return (await getDb()).session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { lastSeenAt: "desc" },
  });
}
