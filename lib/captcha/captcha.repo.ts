import "server-only";
import { getDb, Prisma } from "@/lib/db";

/** Records a redeemed challenge; false when it was already redeemed (replay). */
export async function markChallengeUsed(signature: string, expiresAt: Date): Promise<boolean> {
  const db = await getDb();
  try {
    await db.usedChallenge.create({ data: { signature, expiresAt } });
    return true;
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return false;
    throw e;
  }
}

export async function purgeExpiredChallenges(now = new Date()): Promise<number> {
  const db = await getDb();
  const { count } = await db.usedChallenge.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
