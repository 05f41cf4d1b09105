// A process-wide, 5-second cache of applications by client_id for client authentication, the first
// step of every token, introspection and revocation call. Every write through clients.repo.ts
// forgets the entry at once, so on one node a disabled client or a rotated secret stops working
// immediately; other nodes of a cluster see the change within CLIENT_CACHE_TTL_MS. Unknown ids are
// not cached (they cost a query, as before). Kept on globalThis: Next loads this module in several
// bundles (admin actions, route handlers, the fast path), which must share one cache.
import "server-only";

export const CLIENT_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
const KEY = Symbol.for("portico.clientCache");

type Entry<T> = { value: T; expiresAt: number };
type Holder = { [KEY]?: Map<string, Entry<unknown>> };

function entries(): Map<string, Entry<unknown>> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Map());
}

export async function cachedClient<T>(clientId: string, load: () => Promise<T | null>, now = Date.now()): Promise<T | null> {
  const cache = entries();
  const hit = cache.get(clientId);
  if (hit && hit.expiresAt > now) return hit.value as T;
  const value = await load();
  if (value === null) {
    cache.delete(clientId);
    return null;
  }
  if (cache.size >= MAX_ENTRIES) cache.clear(); // bounded; refilling costs one query per client
  cache.set(clientId, { value, expiresAt: now + CLIENT_CACHE_TTL_MS });
  return value;
}

export function forgetClient(clientId: string): void {
  entries().delete(clientId);
}

/** Tests: start from nothing. */
export function forgetAllClients(): void {
  entries().clear();
}
