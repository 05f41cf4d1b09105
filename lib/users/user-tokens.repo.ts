import "server-only";
import { getDb, type Tx } from "@/lib/db";

export async function insertUserToken(
  data: { userId: string; purpose: string; tokenHash: string; email?: string; expiresAt: Date },
  tx?: Tx,
): Promise<void> {
  await (tx ?? (await getDb())).userToken.create({ data });
}

/**
 * Marks the token used if it is unused and unexpired, in one conditional UPDATE, so two concurrent
 * requests cannot both redeem it. Returns the token row when this call redeemed it.
 */
export async function redeemUserToken(tokenHash: string, purpose: string, now: Date, tx?: Tx) {
  const db = tx ?? (await getDb());
  const { count } = await db.userToken.updateMany({
    where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) return null;
  return db.userToken.findUnique({ where: { tokenHash } });
}

/** A newly issued link supersedes older unused ones of the same purpose. `after`: only those created later. */
export async function retireUserTokens(userId: string, purpose: string, now: Date, tx?: Tx, after?: Date): Promise<number> {
  const { count } = await (tx ?? (await getDb())).userToken.updateMany({
    where: { userId, purpose, usedAt: null, ...(after ? { createdAt: { gt: after } } : {}) },
    data: { usedAt: now },
  });
  return count;
}

export async function findNewestUsableUserToken(userId: string, purpose: string, now: Date) {
  return (await getDb()).userToken.findFirst({ where: { userId, purpose, usedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: "desc" } });
}

/** Reads a token without redeeming it (to validate a form before spending the link). */
export async function findUsableUserToken(tokenHash: string, purpose: string, now: Date) {
  return (await getDb()).userToken.findFirst({ where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } } });
}

/** Whether another account holds a live link of this purpose for the address (an address it may switch back to). */
export async function liveTokenForAddressExists(purpose: string, email: string, now: Date, exceptUserId: string | undefined, tx?: Tx): Promise<boolean> {
  const row = await (tx ?? (await getDb())).userToken.findFirst({
    where: { purpose, email, usedAt: null, expiresAt: { gt: now }, ...(exceptUserId ? { userId: { not: exceptUserId } } : {}) },
    select: { id: true },
  });
  return row !== null;
}
