// A process-wide, 5-second cache of applications by client_id for client authentication, the first
// step of every token, introspection and revocation call. Every write through applications.repo.ts
// forgets the entry at once on this node and, over Redis, on every other node (lib/process); without
// Redis, other nodes of a cluster see the change within CLIENT_CACHE_TTL_MS. Unknown ids are not
// cached (they cost a query, as before).
import "server-only";
import { processCache, type ProcessCache } from "@/lib/process";

export const CLIENT_CACHE_TTL_MS = 5_000;

/** applications.repo.ts passes its query; tests a stub. Every caller shares the one process-wide cache. */
export function applicationCache<T>(load: (clientId: string) => Promise<T | null>): ProcessCache<T | null> {
  return processCache<T | null>("applications.byClientId", { ttlMs: CLIENT_CACHE_TTL_MS, maxEntries: 10_000, load });
}
