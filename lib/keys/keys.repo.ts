import "server-only";
import { getDb, withTransaction, Prisma, type Tx } from "@/lib/db";

export { withTransaction, type Tx };

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

const publicFields = {
  kid: true,
  alg: true,
  publicJwk: true,
  createdAt: true,
  activatesAt: true,
  retiredAt: true,
  unpublishAt: true,
} as const;

export type KeyRecord = Prisma.SigningKeyGetPayload<{ select: typeof publicFields }>;
export type SealedKeyRecord = KeyRecord & { privateJwkEncrypted: string };

const newestFirst = [{ activatesAt: "desc" }, { createdAt: "desc" }, { kid: "asc" }] satisfies Prisma.SigningKeyOrderByWithRelationInput[];

/**
 * Every key still published (or not yet published) at `since`, with its sealed private key, in one
 * query: the in-process key ring (hot path of the token endpoint) is built from this.
 */
export async function listLiveKeys(since: Date, tx?: Tx): Promise<SealedKeyRecord[]> {
  return (await client(tx)).signingKey.findMany({
    where: { OR: [{ unpublishAt: null }, { unpublishAt: { gt: since } }] },
    select: { ...publicFields, privateJwkEncrypted: true },
    orderBy: newestFirst,
  });
}

/** All keys of one alg, published or not: rotation decides from the complete history. */
export async function listKeysOfAlg(alg: string, tx: Tx): Promise<KeyRecord[]> {
  return tx.signingKey.findMany({ where: { alg }, select: publicFields, orderBy: newestFirst });
}

/** Every key created by `until`, published or not, public parts only (verifying long-lived signatures). */
export async function listKeysCreatedBy(until: Date): Promise<KeyRecord[]> {
  return (await client()).signingKey.findMany({ where: { createdAt: { lte: until } }, select: publicFields, orderBy: newestFirst });
}

/** Administration view: public parts only, newest first. */
export async function listRecentKeys(take: number): Promise<KeyRecord[]> {
  return (await client()).signingKey.findMany({ select: publicFields, orderBy: newestFirst, take });
}

export async function insertKey(
  data: { kid: string; alg: string; publicJwk: Prisma.InputJsonValue; privateJwkEncrypted: string; createdAt: Date; activatesAt: Date },
  tx: Tx,
): Promise<void> {
  await tx.signingKey.create({ data });
}

export async function retireKey(kid: string, retiredAt: Date, unpublishAt: Date, tx: Tx): Promise<void> {
  await tx.signingKey.update({ where: { kid }, data: { retiredAt, unpublishAt } });
}

const KEY_ROTATION_LOCK_ID = 7_120_515; // arbitrary, constant: serialises key creation across nodes

/** Transaction-scoped advisory lock: two nodes starting at once create one first key, not two. */
export async function lockKeyRotation(tx: Tx): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${KEY_ROTATION_LOCK_ID}::bigint)`;
}
