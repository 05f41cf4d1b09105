import "server-only";
import { getDb } from "@/lib/db";

/** RateLimiterPrisma needs the client itself: it uses the RateLimiterFlexible model. */
export async function rateLimiterStoreClient() {
  return getDb();
}

export async function purgeExpiredCounters(olderThan: Date): Promise<number> {
  const db = await getDb();
  const { count } = await db.rateLimiterFlexible.deleteMany({ where: { expire: { lt: olderThan } } });
  return count;
}
