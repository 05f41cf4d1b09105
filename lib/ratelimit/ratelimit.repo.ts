import "server-only";
import { getDb } from "@/lib/db";

/** RateLimiterPrisma needs the client itself: it uses the RateLimiterFlexible model. */
export async function rateLimiterStoreClient() {
  return getDb();
}

