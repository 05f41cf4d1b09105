import "server-only";
// Prisma for administration; the direct SQL path (lib/db/sql.ts) for the lookup by client_id that
// every protocol request makes (behind the process cache in client-cache.ts).
import { getDb, getSql, withTransaction, Prisma, type Tx } from "@/lib/db";
import type { Application, InitialAccessToken } from "@/lib/db/generated/client";
import { applicationCache } from "./client-cache";
import { isWellFormedClientId } from "./client-id";

export { withTransaction, type Tx };
export type ApplicationRecord = Application;
export type InitialAccessTokenRecord = InitialAccessToken;

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

export type ApplicationWrite = Omit<Prisma.ApplicationUncheckedCreateInput, "id" | "createdAt" | "updatedAt" | "jwks" | "profilingPolicy"> & {
  jwks?: Prisma.InputJsonValue | null;
  profilingPolicy?: Prisma.InputJsonValue | null;
};

function jsonOrNull(v: Prisma.InputJsonValue | null | undefined) {
  return v === null ? Prisma.DbNull : v;
}

const applications = applicationCache(findApplicationByClientId);
const forgetClient = (clientId: string) => applications.invalidate(clientId);

export async function insertApplication(data: ApplicationWrite, tx?: Tx): Promise<Application> {
  forgetClient(data.clientId);
  return (await client(tx)).application.create({ data: { ...data, jwks: jsonOrNull(data.jwks), profilingPolicy: jsonOrNull(data.profilingPolicy) } });
}

export async function updateApplicationRow(id: string, data: Partial<ApplicationWrite>, tx?: Tx): Promise<Application> {
  const { jwks, profilingPolicy, ...rest } = data;
  const after = await (await client(tx)).application.update({
    where: { id },
    data: { ...rest, ...(jwks !== undefined ? { jwks: jsonOrNull(jwks) } : {}), ...(profilingPolicy !== undefined ? { profilingPolicy: jsonOrNull(profilingPolicy) } : {}) },
  });
  forgetClient(after.clientId);
  return after;
}

export async function deleteApplicationRow(id: string, tx?: Tx): Promise<void> {
  const deleted = await (await client(tx)).application.delete({ where: { id } });
  forgetClient(deleted.clientId);
}

export async function findApplicationById(id: string, tx?: Tx): Promise<Application | null> {
  return (await client(tx)).application.findUnique({ where: { id } });
}

/** Every authenticated protocol call starts here, so it skips Prisma's per-query cost (see lib/db/sql.ts). */
export async function findApplicationByClientId(clientId: string): Promise<Application | null> {
  if (!isWellFormedClientId(clientId)) return null; // never send PostgreSQL what it refuses (a NUL byte)
  const rows = await (await getSql())<Application>(`SELECT * FROM "Application" WHERE "clientId" = $1`, [clientId]);
  return rows[0] ?? null;
}

/** The hot-path read (client authentication): cached for a few seconds, see client-cache.ts. */
export async function findApplicationForAuthentication(clientId: string): Promise<Application | null> {
  return applications.get(clientId);
}

export async function listApplicationRows(): Promise<Application[]> {
  return (await client()).application.findMany({ orderBy: [{ name: "asc" }, { createdAt: "asc" }], take: 1000 });
}

/** Records a client-assertion id; false when it was already there (a replay). */
export async function insertUsedJti(jti: string, expiresAt: Date): Promise<boolean> {
  try {
    await (await client()).usedJti.create({ data: { jti, expiresAt } });
    return true;
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return false;
    throw e;
  }
}

export async function deleteExpiredJtis(now: Date): Promise<number> {
  return (await (await client()).usedJti.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}

export async function insertInitialAccessToken(
  data: { tokenHash: string; label: string; createdBy: string | null; expiresAt: Date; multiUse: boolean },
  tx?: Tx,
): Promise<InitialAccessToken> {
  return (await client(tx)).initialAccessToken.create({ data });
}

export async function findInitialAccessTokenByHash(tokenHash: string): Promise<InitialAccessToken | null> {
  return (await client()).initialAccessToken.findUnique({ where: { tokenHash } });
}

export async function listInitialAccessTokenRows(): Promise<InitialAccessToken[]> {
  return (await client()).initialAccessToken.findMany({ orderBy: { createdAt: "desc" }, take: 200 });
}

/**
 * Spends a single-use token atomically (one conditional UPDATE: two concurrent registrations
 * cannot both pass); a multi-use token is only checked. False when it is no longer usable.
 */
export async function spendInitialAccessToken(id: string, now: Date, tx?: Tx): Promise<boolean> {
  const usable = { id, revokedAt: null, expiresAt: { gt: now } };
  const db = await client(tx);
  const multi = await db.initialAccessToken.count({ where: { ...usable, multiUse: true } });
  if (multi === 1) return true;
  const r = await db.initialAccessToken.updateMany({ where: { ...usable, multiUse: false, usedAt: null }, data: { usedAt: now } });
  return r.count === 1;
}

export async function revokeInitialAccessTokenRow(id: string, now: Date, tx?: Tx): Promise<boolean> {
  const r = await (await client(tx)).initialAccessToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  return r.count === 1;
}

export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

export function isNotFound(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2025";
}
