// Linked identities and upstream requests: Prisma only.
import "server-only";
import { getDb, Prisma, withTransaction, type Tx } from "@/lib/db";

export { withTransaction };

export type LinkedIdentityRow = {
  id: string;
  userId: string;
  connectionId: string;
  subject: string;
  email: string | null;
  profile: unknown;
  createdAt: Date;
  lastUsedAt: Date | null;
};

const IDENTITY = { id: true, userId: true, connectionId: true, subject: true, email: true, profile: true, createdAt: true, lastUsedAt: true } as const;

export async function findLinkedIdentity(connectionId: string, subject: string, tx?: Tx): Promise<LinkedIdentityRow | null> {
  return (tx ?? (await getDb())).linkedIdentity.findUnique({ where: { connectionId_subject: { connectionId, subject } }, select: IDENTITY });
}

export async function insertLinkedIdentity(
  row: { userId: string; connectionId: string; subject: string; email: string | null; profile: object; tokens?: Partial<TokenColumns> },
  tx: Tx,
): Promise<LinkedIdentityRow> {
  const { tokens, ...rest } = row;
  return tx.linkedIdentity.create({ data: { ...rest, ...(tokens ?? {}), lastUsedAt: new Date() }, select: IDENTITY });
}

/** The identity a session was signed in through, with the ID token kept for signing out upstream. */
export async function findIdentityForSignOut(id: string): Promise<{ connectionId: string; idTokenSealed: string | null } | null> {
  return (await getDb()).linkedIdentity.findUnique({ where: { id }, select: { connectionId: true, idTokenSealed: true } });
}

export type TokenColumns = { accessTokenSealed: string | null; refreshTokenSealed: string | null; idTokenSealed: string | null; tokenExpiresAt: Date | null };

/** A sign-in with the identity: what the upstream said this time, and when. */
export async function recordIdentityUse(id: string, update: { email: string | null; profile: object; tokens?: Partial<TokenColumns> }, tx?: Tx): Promise<void> {
  await (tx ?? (await getDb())).linkedIdentity.update({ where: { id }, data: { email: update.email, profile: update.profile, lastUsedAt: new Date(), ...(update.tokens ?? {}) } });
}

export type IdentityTokensRow = TokenColumns & { id: string; subject: string };
const TOKENS = { id: true, subject: true, accessTokenSealed: true, refreshTokenSealed: true, idTokenSealed: true, tokenExpiresAt: true } as const;

/** The account's identity at the connection, with its kept tokens (the most recently used, should there be two). */
export async function findIdentityTokens(userId: string, connectionId: string): Promise<IdentityTokensRow | null> {
  return (await getDb()).linkedIdentity.findFirst({ where: { userId, connectionId }, orderBy: { lastUsedAt: { sort: "desc", nulls: "last" } }, select: TOKENS });
}

/** Locks the identity's row (FOR UPDATE) and reads its tokens again: one refresh at a time. */
export async function lockIdentityTokens(id: string, tx: Tx): Promise<IdentityTokensRow | null> {
  await tx.$queryRaw`SELECT "id" FROM "LinkedIdentity" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return tx.linkedIdentity.findUnique({ where: { id }, select: TOKENS });
}

export async function storeIdentityTokens(id: string, tokens: Partial<TokenColumns>, tx: Tx): Promise<void> {
  await tx.linkedIdentity.update({ where: { id }, data: tokens });
}

/** Replaces the tokens only if the access token is still the one sealed as `expected` (no refresh came between). */
export async function replaceIdentityTokens(id: string, expected: string, tokens: TokenColumns): Promise<boolean> {
  return (await (await getDb()).linkedIdentity.updateMany({ where: { id, accessTokenSealed: expected }, data: tokens })).count === 1;
}

export async function listLinkedIdentityRows(userId: string) {
  return (await getDb()).linkedIdentity.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { ...IDENTITY, connection: { select: { id: true, slug: true, name: true, preset: true, enabled: true } } },
  });
}

/** Locks the account's identities (FOR UPDATE) so that two unlinks decide one after the other. */
export async function lockLinkedIdentities(userId: string, tx: Tx): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "LinkedIdentity" WHERE "userId" = ${userId}::uuid FOR UPDATE`;
}

/** The account's identities at enabled connections, but for `exceptId`: those it could still sign in with. */
export async function countUsableIdentities(userId: string, exceptId: string, tx: Tx): Promise<number> {
  return tx.linkedIdentity.count({ where: { userId, id: { not: exceptId }, connection: { enabled: true } } });
}

/** Deletes the account's identity; false when it is not theirs (or gone). */
export async function deleteLinkedIdentity(id: string, userId: string, tx: Tx): Promise<LinkedIdentityRow | null> {
  const row = await tx.linkedIdentity.findFirst({ where: { id, userId }, select: IDENTITY });
  if (!row) return null;
  await tx.linkedIdentity.delete({ where: { id } });
  return row;
}

// ---- Upstream requests and pending steps -----------------------------------------------------------

export type FederationRequestRow = {
  id: string;
  stateHash: string;
  browserHash: string;
  connectionId: string;
  purpose: string;
  userId: string | null;
  next: string;
  codeVerifierSealed: string | null;
  nonce: string | null;
  upstream: unknown;
  expiresAt: Date;
};

const REQUEST = { id: true, stateHash: true, browserHash: true, connectionId: true, purpose: true, userId: true, next: true, codeVerifierSealed: true, nonce: true, upstream: true, expiresAt: true } as const;

export async function insertFederationRequest(
  row: { stateHash: string; browserHash: string; connectionId: string; purpose: string; userId: string | null; next: string; codeVerifierSealed: string | null; nonce: string | null; upstream?: object; expiresAt: Date },
  tx?: Tx,
): Promise<void> {
  await (tx ?? (await getDb())).federationRequest.create({ data: row });
}

/** Marks the request used and returns it, only if it was unused, unexpired and of one of `purposes` (single use under concurrency: one UPDATE). */
export async function claimFederationRequest(stateHash: string, purposes: readonly string[], tx?: Tx): Promise<FederationRequestRow | null> {
  const db = tx ?? (await getDb());
  const now = new Date();
  const claimed = await db.federationRequest.updateMany({ where: { stateHash, usedAt: null, expiresAt: { gt: now }, purpose: { in: [...purposes] } }, data: { usedAt: now } });
  if (claimed.count !== 1) return null;
  return db.federationRequest.findUnique({ where: { stateHash }, select: REQUEST });
}

/** The unused, unexpired requests of `purpose` this browser holds for this account, used up now (a link waiting for its sign-in). */
export async function claimBrowserRequests(browserHash: string, purpose: string, userId: string, tx: Tx): Promise<FederationRequestRow[]> {
  const now = new Date();
  // By account and purpose (an index), then this browser's only.
  const rows = await tx.federationRequest.findMany({ where: { userId, purpose, browserHash, usedAt: null, expiresAt: { gt: now } }, select: REQUEST, take: 5 });
  if (rows.length) await tx.federationRequest.updateMany({ where: { id: { in: rows.map((r) => r.id) }, usedAt: null }, data: { usedAt: now } });
  return rows;
}

/** A pending step, without using it (the page that asks the customer reads it first). */
export async function findLiveFederationRequest(stateHash: string, purposes: readonly string[]): Promise<FederationRequestRow | null> {
  return (await getDb()).federationRequest.findFirst({ where: { stateHash, usedAt: null, expiresAt: { gt: new Date() }, purpose: { in: [...purposes] } }, select: REQUEST });
}

/** A live request by its state, used or not (a SAML response is checked against it before it is answered). */
export async function findFederationRequest(stateHash: string, purposes: readonly string[]): Promise<FederationRequestRow | null> {
  return (await getDb()).federationRequest.findFirst({ where: { stateHash, expiresAt: { gt: new Date() }, purpose: { in: [...purposes] } }, select: REQUEST });
}

/** Stores the upstream's answer on a request under way, only once and only before it is used (false otherwise). */
export async function answerFederationRequest(stateHash: string, upstream: object, tx: Tx): Promise<boolean> {
  const answered = await tx.federationRequest.updateMany({ where: { stateHash, usedAt: null, expiresAt: { gt: new Date() }, upstream: { equals: Prisma.DbNull } }, data: { upstream } });
  return answered.count === 1;
}

/** Ends a request no answer was kept for yet (its expiry set to now). */
export async function expireUnansweredRequest(stateHash: string): Promise<void> {
  await (await getDb()).federationRequest.updateMany({ where: { stateHash, usedAt: null, upstream: { equals: Prisma.DbNull } }, data: { expiresAt: new Date() } });
}

/** Records an assertion as used; false when it was already (the primary key holds under concurrency). */
export async function insertUsedSamlAssertion(key: string, expiresAt: Date, tx: Tx): Promise<boolean> {
  const inserted = await tx.$executeRaw`INSERT INTO "UsedSamlAssertion" ("key", "expiresAt") VALUES (${key}, ${expiresAt}) ON CONFLICT ("key") DO NOTHING`;
  return inserted === 1;
}

export async function deleteExpiredSamlAssertions(now: Date): Promise<number> {
  return (await (await getDb()).usedSamlAssertion.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}

/** The janitor's share: requests a day past their end. */
export async function deleteExpiredFederationRequests(before: Date): Promise<number> {
  return (await (await getDb()).federationRequest.deleteMany({ where: { expiresAt: { lt: before } } })).count;
}
