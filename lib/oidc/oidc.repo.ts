import "server-only";
// The direct SQL path (lib/db/sql.ts) for what every authorization and token request does (interactions,
// codes, grants, token records: the measured hot paths, bench/RESULTS.md); Prisma for the rest and
// inside transactions shared with other writes.
import { getDb, getSql, withTransaction, Prisma, type SqlParam, type Tx } from "@/lib/db";
import { isWellFormedInteractionId } from "@/lib/formats";
import { auditEventInsert, type AuditEventInput } from "@/lib/audit";
import type { MintedRecords } from "./tokens";

export { withTransaction, type Tx };

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

// Grants ---------------------------------------------------------------------------------------

export async function insertGrant(
  data: { clientId: string; userId?: string | null; sessionId?: string | null; scope: string; authTime?: Date | null; acr?: string | null; amr?: string[] },
  tx?: Tx,
) {
  return (await client(tx)).oAuthGrant.create({ data: { ...data, amr: data.amr ?? [] } });
}

export async function revokeGrantById(id: string, reason: string, tx?: Tx): Promise<boolean> {
  const { count } = await (await client(tx)).oAuthGrant.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
  return count === 1;
}

/** The live grants made in a session; with `userId`, only if they are that user's. */
export async function findGrantsOfSession(sessionId: string, userId?: string) {
  return (await client()).oAuthGrant.findMany({ where: { sessionId, revokedAt: null, ...(userId ? { userId } : {}) } });
}

export async function revokeGrantsOfUserAndClient(userId: string, clientId: string, reason: string, tx?: Tx) {
  return (await client(tx)).oAuthGrant.updateMany({ where: { userId, clientId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
}

/** Every live grant of the user, or every one but those made in `keepSessionId` (grants without a session included). */
export async function revokeGrantsOfUser(userId: string, reason: string, tx?: Tx, keepSessionId?: string): Promise<number> {
  // Spelled out: `sessionId: { not: x }` alone would skip the grants without a session (NULL <> x is not true).
  const outsideKept = keepSessionId ? { OR: [{ sessionId: null }, { sessionId: { not: keepSessionId } }] } : {};
  return (await (await client(tx)).oAuthGrant.updateMany({ where: { userId, revokedAt: null, ...outsideKept }, data: { revokedAt: new Date(), revokedReason: reason } })).count;
}

// Authorization codes -------------------------------------------------------------------------

export interface NewGrant {
  id: string;
  clientId: string;
  userId: string;
  sessionId: string;
  scope: string;
  authTime: Date;
  acr: string | null;
  amr: string[];
}
export interface NewCode {
  codeHash: string;
  redirectUri: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: Date;
}

/**
 * The end of an authorization (the hot path of every sign-in to an application): the grant, its
 * code and the audit event written, and the finished interaction removed, in one statement (a
 * data-modifying CTE: atomic, one round trip instead of a five-statement Prisma transaction).
 * `countSignIn`: the authorization also counts toward the user's sign-ins to the application
 * (progressive profiling's "from the Nth sign-in" rule), in the same statement.
 */
export async function insertGrantWithCode(grant: NewGrant, code: NewCode, event: AuditEventInput, finishedInteractionId: string | null, now: Date, countSignIn = false): Promise<void> {
  const params: SqlParam[] = [
    grant.id, grant.clientId, grant.userId, grant.sessionId, grant.scope, grant.authTime, grant.acr, grant.amr, now,
    code.codeHash, code.redirectUri, code.nonce, code.codeChallenge, code.codeChallengeMethod, code.expiresAt,
    finishedInteractionId,
  ];
  const audit = auditEventInsert(event, params.length + 1);
  await (await getSql())(
    `WITH g AS (
       INSERT INTO "OAuthGrant" ("id", "clientId", "userId", "sessionId", "scope", "authTime", "acr", "amr", "createdAt")
       VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5, $6, $7, $8::text[], $9)),
     c AS (
       INSERT INTO "AuthorizationCode" ("codeHash", "grantId", "clientId", "redirectUri", "nonce", "codeChallenge", "codeChallengeMethod", "expiresAt", "createdAt")
       VALUES ($10, $1::uuid, $2, $11, $12, $13, $14, $15, $9)),
     d AS (DELETE FROM "AuthorizationRequest" WHERE "id" = $16),${
       countSignIn
         ? `
     s AS (INSERT INTO "ApplicationSignIn" ("userId", "clientId", "count", "lastAt") VALUES ($3::uuid, $2, 1, $9)
           ON CONFLICT ("userId", "clientId") DO UPDATE SET "count" = "ApplicationSignIn"."count" + 1, "lastAt" = EXCLUDED."lastAt"),`
         : ""
     }
     a AS (${audit.text})
     SELECT 1 AS "done"`,
    [...params, ...audit.params],
  );
}

const GRANT_COLUMNS = `g."id" AS "g_id", g."clientId" AS "g_clientId", g."userId" AS "g_userId", g."sessionId" AS "g_sessionId",
  g."scope" AS "g_scope", g."authTime" AS "g_authTime", g."acr" AS "g_acr", g."amr" AS "g_amr", g."createdAt" AS "g_createdAt",
  g."revokedAt" AS "g_revokedAt", g."revokedReason" AS "g_revokedReason"`;

interface GrantColumns {
  g_id: string;
  g_clientId: string;
  g_userId: string | null;
  g_sessionId: string | null;
  g_scope: string;
  g_authTime: Date | null;
  g_acr: string | null;
  g_amr: string[];
  g_createdAt: Date;
  g_revokedAt: Date | null;
  g_revokedReason: string | null;
}

/** Splits a joined row into the record's own columns and its grant (the shapes Prisma returns). */
function withGrant<R extends GrantColumns>(row: R) {
  const { g_id, g_clientId, g_userId, g_sessionId, g_scope, g_authTime, g_acr, g_amr, g_createdAt, g_revokedAt, g_revokedReason, ...own } = row;
  const grant = { id: g_id, clientId: g_clientId, userId: g_userId, sessionId: g_sessionId, scope: g_scope, authTime: g_authTime, acr: g_acr, amr: g_amr, createdAt: g_createdAt, revokedAt: g_revokedAt, revokedReason: g_revokedReason };
  return { own, grant };
}

/** An authorization code's row. */
export interface CodeRow {
  codeHash: string;
  grantId: string;
  clientId: string;
  redirectUri: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

/** One direct statement: the code and its grant (token endpoint hot path). */
export async function findCodeWithGrant(codeHash: string) {
  const rows = await (await getSql())<CodeRow & GrantColumns>(
    `SELECT c."codeHash", c."grantId", c."clientId", c."redirectUri", c."nonce", c."codeChallenge", c."codeChallengeMethod", c."expiresAt", c."usedAt", c."createdAt", ${GRANT_COLUMNS} FROM "AuthorizationCode" c JOIN "OAuthGrant" g ON g."id" = c."grantId" WHERE c."codeHash" = $1`,
    [codeHash],
  );
  if (!rows[0]) return null;
  const { own, grant } = withGrant(rows[0]);
  return { code: own, grant };
}

/**
 * Redeems the code and stores the tokens minted for it, in one statement: the conditional update
 * lets exactly one exchange succeed even when two arrive at once (RFC 6749 §4.1.2: a code is used
 * once), and the records and the audit event are written only by that one. False: already used.
 */
export async function redeemCodeForTokens(codeHash: string, records: MintedRecords, event: AuditEventInput, now: Date): Promise<boolean> {
  const { accessToken: at, refreshToken: rt } = records;
  const params: SqlParam[] = [now, codeHash, at.jti, at.clientId, at.expiresAt, at.tokenHash, rt?.tokenHash ?? null, rt?.expiresAt ?? null];
  const audit = auditEventInsert(event, params.length + 1);
  const [row] = await (await getSql())<{ redeemed: number }>(
    `WITH used AS (
       UPDATE "AuthorizationCode" SET "usedAt" = $1 WHERE "codeHash" = $2 AND "usedAt" IS NULL RETURNING "grantId"),
     a AS (
       INSERT INTO "AccessTokenRecord" ("jti", "grantId", "clientId", "expiresAt", "tokenHash")
       SELECT $3, "grantId", $4, $5::timestamp(3), $6 FROM used),
     r AS (
       INSERT INTO "RefreshToken" ("tokenHash", "grantId", "expiresAt", "createdAt")
       SELECT $7::text, "grantId", $8::timestamp(3), $1 FROM used WHERE $7::text IS NOT NULL),
     e AS (${audit.text} FROM used)
     SELECT count(*)::int AS "redeemed" FROM used`,
    [...params, ...audit.params],
  );
  return row?.redeemed === 1;
}

// Refresh tokens ------------------------------------------------------------------------------

export async function insertRefreshToken(data: { tokenHash: string; grantId: string; expiresAt: Date }, tx?: Tx) {
  await (await client(tx)).refreshToken.create({ data });
}

/** A refresh token's row. */
export interface RefreshTokenRow {
  tokenHash: string;
  grantId: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

/** One direct statement: the refresh token and its grant. */
export async function findRefreshTokenWithGrant(tokenHash: string) {
  const rows = await (await getSql())<RefreshTokenRow & GrantColumns>(
    `SELECT t."tokenHash", t."grantId", t."expiresAt", t."usedAt", t."createdAt", ${GRANT_COLUMNS} FROM "RefreshToken" t JOIN "OAuthGrant" g ON g."id" = t."grantId" WHERE t."tokenHash" = $1`,
    [tokenHash],
  );
  if (!rows[0]) return null;
  const { own, grant } = withGrant(rows[0]);
  return { token: own, grant };
}

export async function markRefreshTokenUsed(tokenHash: string, now: Date, tx?: Tx): Promise<boolean> {
  const { count } = await (await client(tx)).refreshToken.updateMany({ where: { tokenHash, usedAt: null }, data: { usedAt: now } });
  return count === 1;
}

// Access token records ------------------------------------------------------------------------

export async function insertAccessTokenRecord(data: { jti: string; grantId: string; clientId: string; expiresAt: Date; tokenHash: string }, tx?: Tx) {
  await (await client(tx)).accessTokenRecord.create({ data });
}

/** RFC 7009 for a self-contained token: remember its jti until it expires. Idempotent. */
export async function insertRevokedAccessToken(data: { jti: string; clientId: string; expiresAt: Date }): Promise<void> {
  await (await getSql())(
    `INSERT INTO "RevokedAccessToken" ("jti", "clientId", "expiresAt") VALUES ($1, $2, $3) ON CONFLICT ("jti") DO NOTHING`,
    [data.jti, data.clientId, data.expiresAt],
  );
}

/** Hot path (introspection of a client_credentials token). */
export async function isAccessTokenRevoked(jti: string): Promise<boolean> {
  const rows = await (await getSql())<{ one: number }>(`SELECT 1 AS one FROM "RevokedAccessToken" WHERE "jti" = $1`, [jti]);
  return rows.length > 0;
}

/** One query on the hot path (UserInfo, introspection): the record and its grant's state. */
export async function findAccessTokenRecord(jti: string) {
  const rows = await (await getSql())<{ jti: string; tokenHash: string | null; revokedAt: Date | null; grantRevokedAt: Date | null; expiresAt: Date }>(
    `SELECT a."jti", a."tokenHash", a."revokedAt", a."expiresAt", g."revokedAt" AS "grantRevokedAt"
     FROM "AccessTokenRecord" a JOIN "OAuthGrant" g ON g."id" = a."grantId"
     WHERE a."jti" = $1`,
    [jti],
  );
  return rows[0] ?? null;
}

export async function revokeAccessTokenRecord(jti: string) {
  await (await client()).accessTokenRecord.updateMany({ where: { jti, revokedAt: null }, data: { revokedAt: new Date() } });
}

// Consent ---------------------------------------------------------------------------------------

export async function findConsent(userId: string, clientId: string) {
  const rows = await (await getSql())<{ id: string; userId: string; clientId: string; scopes: string[]; createdAt: Date; updatedAt: Date; revokedAt: Date | null }>(
    `SELECT "id", "userId", "clientId", "scopes", "createdAt", "updatedAt", "revokedAt" FROM "Consent" WHERE "userId" = $1::uuid AND "clientId" = $2`,
    [userId, clientId],
  );
  return rows[0] ?? null;
}

export async function upsertConsent(userId: string, clientId: string, scopes: string[], tx?: Tx) {
  return (await client(tx)).consent.upsert({
    where: { userId_clientId: { userId, clientId } },
    create: { userId, clientId, scopes },
    update: { scopes, revokedAt: null },
  });
}

export async function revokeConsentRecord(userId: string, clientId: string, tx?: Tx) {
  return (await client(tx)).consent.updateMany({ where: { userId, clientId, revokedAt: null }, data: { revokedAt: new Date() } });
}

export async function listConsentsOfUser(userId: string) {
  return (await client()).consent.findMany({ where: { userId, revokedAt: null }, orderBy: { updatedAt: "desc" } });
}

/**
 * The user's grants that still hold a usable token, with when their last token expires; no token
 * or code hash is read. A grant with nothing left to redeem is history, not access.
 */
export async function listLiveGrantsOfUser(userId: string, now: Date) {
  const db = await client();
  const grants = await db.oAuthGrant.findMany({
    where: { userId, revokedAt: null },
    select: { id: true, clientId: true, scope: true, authTime: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
  if (grants.length === 0) return [];
  const ids = grants.map((g) => g.id);
  const [refresh, access] = await Promise.all([
    db.refreshToken.groupBy({ by: ["grantId"], where: { grantId: { in: ids }, usedAt: null, expiresAt: { gt: now } }, _max: { expiresAt: true } }),
    db.accessTokenRecord.groupBy({ by: ["grantId"], where: { grantId: { in: ids }, revokedAt: null, expiresAt: { gt: now } }, _max: { expiresAt: true } }),
  ]);
  const refreshUntil = new Map(refresh.map((r) => [r.grantId, r._max.expiresAt]));
  const accessUntil = new Map(access.map((r) => [r.grantId, r._max.expiresAt]));
  return grants
    .filter((g) => refreshUntil.has(g.id) || accessUntil.has(g.id))
    .map(({ id, ...g }) => ({ ...g, refreshTokenExpiresAt: refreshUntil.get(id) ?? null, accessTokenExpiresAt: accessUntil.get(id) ?? null }));
}

// Interactions (authorization requests waiting for sign-in or consent) -----------------------------

/** An authorization request waiting for sign-in or consent, as stored. */
export interface StoredInteraction {
  id: string;
  clientId: string;
  params: Prisma.JsonValue;
  bindingHash: string | null;
  userId: string | null;
  decision: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertInteraction(data: { id: string; clientId: string; params: Prisma.InputJsonValue; bindingHash: string | null; userId: string | null; expiresAt: Date }) {
  await (await getSql())(
    `INSERT INTO "AuthorizationRequest" ("id", "clientId", "params", "bindingHash", "userId", "createdAt", "expiresAt") VALUES ($1, $2, $3::jsonb, $4, $5::uuid, $6, $7)`,
    [data.id, data.clientId, JSON.stringify(data.params), data.bindingHash, data.userId, new Date(), data.expiresAt],
  );
}

export async function findInteraction(id: string): Promise<StoredInteraction | null> {
  if (!isWellFormedInteractionId(id)) return null; // never send PostgreSQL what it refuses (a NUL byte)
  const rows = await (await getSql())<StoredInteraction>(
    `SELECT "id", "clientId", "params", "bindingHash", "userId", "decision", "createdAt", "expiresAt" FROM "AuthorizationRequest" WHERE "id" = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** Binds a not yet bound interaction to the user who signed in; false when it is bound already. */
export async function bindInteractionUser(id: string, userId: string): Promise<boolean> {
  const rows = await (await getSql())<{ id: string }>(`UPDATE "AuthorizationRequest" SET "userId" = $2::uuid WHERE "id" = $1 AND "userId" IS NULL RETURNING "id"`, [id, userId]);
  return rows.length === 1;
}

/** The consent screen's answer, once, by the user the interaction is bound to. */
export async function recordInteractionDecision(id: string, userId: string, decision: "allow" | "deny"): Promise<boolean> {
  const { count } = await (await client()).authorizationRequest.updateMany({ where: { id, userId, decision: null }, data: { decision } });
  return count === 1;
}

export async function deleteInteraction(id: string) {
  await (await getSql())(`DELETE FROM "AuthorizationRequest" WHERE "id" = $1`, [id]);
}

/** Sessions in which the user still holds live grants (for back-channel logout after a password reset). */
export async function findSessionIdsWithGrantsOfUser(userId: string, exceptSessionId?: string): Promise<string[]> {
  const rows = await (await client()).oAuthGrant.findMany({
    where: { userId, revokedAt: null, sessionId: exceptSessionId ? { not: exceptSessionId } : { not: null } },
    select: { sessionId: true },
    distinct: ["sessionId"],
  });
  return rows.map((r) => r.sessionId!).filter(Boolean);
}

// Housekeeping -----------------------------------------------------------------------------------

/**
 * Deletes protocol state nobody can use any more. Codes and device authorizations are kept a day
 * past expiry, so a late replay is still recognised (and logged) as one rather than as an unknown code.
 */
export async function deleteExpiredProtocolState(now: Date): Promise<Record<string, number>> {
  const db = await client();
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const [interactions, codes, refreshTokens, accessTokens, revocations, devices] = await Promise.all([
    db.authorizationRequest.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.authorizationCode.deleteMany({ where: { expiresAt: { lt: dayAgo } } }),
    db.refreshToken.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.accessTokenRecord.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.revokedAccessToken.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.deviceAuthorization.deleteMany({ where: { expiresAt: { lt: dayAgo } } }),
  ]);
  return {
    interactions: interactions.count,
    codes: codes.count,
    refreshTokens: refreshTokens.count,
    accessTokens: accessTokens.count,
    revocations: revocations.count,
    devices: devices.count,
  };
}

// Erasure ----------------------------------------------------------------------------------------

/** Every protocol row about the user (GDPR art. 17): grants with their codes and tokens, consents, pending requests. */
export async function deleteProtocolDataOfUser(userId: string, tx: Tx): Promise<number> {
  const grants = (await tx.oAuthGrant.findMany({ where: { userId }, select: { id: true } })).map((g) => g.id);
  const counts = await Promise.all([
    tx.authorizationCode.deleteMany({ where: { grantId: { in: grants } } }),
    tx.refreshToken.deleteMany({ where: { grantId: { in: grants } } }),
    tx.accessTokenRecord.deleteMany({ where: { grantId: { in: grants } } }),
  ]);
  const rest = [
    await tx.oAuthGrant.deleteMany({ where: { userId } }),
    await tx.consent.deleteMany({ where: { userId } }),
    await tx.authorizationRequest.deleteMany({ where: { userId } }),
    await tx.deviceAuthorization.deleteMany({ where: { userId } }),
  ];
  return [...counts, ...rest].reduce((n, r) => n + r.count, 0);
}
