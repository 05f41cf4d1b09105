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

/** A newly issued link supersedes older unused ones of the same purpose. */
export async function retireUserTokens(userId: string, purpose: string, now: Date, tx?: Tx): Promise<void> {
  await (tx ?? (await getDb())).userToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: now } });
}

/** Reads a token without redeeming it (to validate a form before spending the link). */
export async function findUsableUserToken(tokenHash: string, purpose: string, now: Date) {
  return (await getDb()).userToken.findFirst({ where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } } });
}
