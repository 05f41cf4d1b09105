import "server-only";
// The direct SQL path (lib/db/sql.ts) for session validation (every signed-in request) and the session
// a sign-in starts; Prisma inside transactions and for listings.
import crypto from "node:crypto";
import { getDb, getSql, type Tx } from "@/lib/db";

export async function insertSession(
  data: { tokenHash: string; userId: string; expiresAt: Date; ip?: string; userAgent?: string; amr?: string[]; linkedIdentityId?: string | null },
  tx?: Tx,
): Promise<{ id: string }> {
  if (tx) return tx.session.create({ data, select: { id: true } });
  // Every sign-in starts one: the direct path (lib/db/sql.ts). Times are sent, never defaulted (UTC).
  const now = new Date();
  const [row] = await (await getSql())<{ id: string }>(
    `INSERT INTO "Session" ("id", "tokenHash", "userId", "createdAt", "lastSeenAt", "expiresAt", "ip", "userAgent", "authTime", "amr", "linkedIdentityId")
     VALUES ($1::uuid, $2, $3::uuid, $4, $4, $5, $6, $7, $4, $8::text[], $9::uuid) RETURNING "id"`,
    [crypto.randomUUID(), data.tokenHash, data.userId, now, data.expiresAt, data.ip ?? null, data.userAgent ?? null, data.amr ?? ["pwd"], data.linkedIdentityId ?? null],
  );
  return row!;
}

/** One query: the session and the user with roles (hot path: every signed-in request). */
export async function findSessionByTokenHash(tokenHash: string) {
  return (await getDb()).session.findUnique({
    where: { tokenHash },
    include: { user: { include: { roles: { select: { role: true, scope: true } } } } },
  });
}

/** What validating a session needs, in one direct statement (every signed-in request and /oauth2/authorize). */
export interface SessionView {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  authTime: Date;
  amr: string[];
  userId: string;
  linkedIdentityId: string | null;
  email: string;
  displayName: string | null;
  emailVerifiedAt: Date | null;
  disabledAt: Date | null;
  roles: string[];
}

export async function findSessionView(tokenHash: string): Promise<SessionView | null> {
  const rows = await (await getSql())<SessionView>(
    `SELECT s."id", s."createdAt", s."lastSeenAt", s."expiresAt", s."revokedAt", s."authTime", s."amr", s."userId", s."linkedIdentityId",
            u."email", u."displayName", u."emailVerifiedAt", u."disabledAt",
            COALESCE((SELECT array_agg(r."role" || COALESCE(':' || r."scope", '') ORDER BY r."role", r."scope") FROM "UserRole" r WHERE r."userId" = u."id"), '{}'::text[]) AS "roles"
     FROM "Session" s JOIN "User" u ON u."id" = s."userId"
     WHERE s."tokenHash" = $1`,
    [tokenHash],
  );
  return rows[0] ?? null;
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

/** Revokes one live session, only if it is the user's; 1 when it was, else 0. */
export async function revokeSessionOfUser(userId: string, id: string, reason: string, now: Date, tx: Tx): Promise<number> {
  const { count } = await tx.session.updateMany({ where: { id, userId, revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now, revokedReason: reason } });
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

/** Every session record of the user, newest first, without its token hash (the owner's copy of their data). */
export async function listSessionMetadata(userId: string) {
  return (await getDb()).session.findMany({
    where: { userId },
    select: { createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true, revokedAt: true },
    orderBy: { createdAt: "desc" },
  });
}

/** Adds authentication methods to a live session (a factor proven inside it); returns the new amr. */
export async function addSessionAmr(id: string, methods: string[]): Promise<string[] | null> {
  const rows = await (await getSql())<{ amr: string[] }>(
    `UPDATE "Session" SET "amr" = "amr" || ARRAY(SELECT m FROM unnest($2::text[]) AS m WHERE m <> ALL("amr"))
     WHERE "id" = $1::uuid AND "revokedAt" IS NULL RETURNING "amr"`,
    [id, methods],
  );
  return rows[0]?.amr ?? null;
}

/**
 * Deletes at most `limit` sessions that ended before `cutoff`: revoked then, or past their absolute
 * end then (the indexes on revokedAt and expiresAt serve the two halves). Rows another node is
 * deleting, or a request is touching, are skipped, not waited for.
 */
export async function deleteSessionsEndedBefore(cutoff: Date, limit: number): Promise<number> {
  const at = cutoff.toISOString();
  return (await getDb()).$executeRaw`
    DELETE FROM "Session" WHERE "id" IN (
      SELECT "id" FROM "Session"
       WHERE "revokedAt" < (${at}::timestamptz AT TIME ZONE 'UTC') OR "expiresAt" < (${at}::timestamptz AT TIME ZONE 'UTC')
       LIMIT ${limit}::int FOR UPDATE SKIP LOCKED)`;
}
