// Process state: the one way to keep a value for the whole process (docs/architecture.md, "Process
// state"). Imports nothing of ours statically, so every layer, lib/config and lib/db included, may use
// it; no "server-only" either, as scripts read lib/config outside Next.
import { busIn, type InvalidationHandler } from "./invalidation";
import { cacheIn, type ProcessCache, type ProcessCacheOptions } from "./cache";

export { processSingleton } from "./singleton";
export type { ProcessCache, ProcessCacheOptions, InvalidationHandler };

/** A cache shared by every bundle of this process, invalidated on every node (see cache.ts). */
export function processCache<V>(name: string, opts: ProcessCacheOptions<V>): ProcessCache<V> {
  return cacheIn(globalThis, busIn(globalThis), name, opts);
}

/**
 * For state that is not a plain TTL cache (the signing key ring): `handler` runs when any node
 * publishes `name`, this one included (at once, in `publishInvalidation`).
 */
export function onInvalidation(name: string, handler: InvalidationHandler): void {
  busIn(globalThis).on(name, handler);
}

export function publishInvalidation(name: string, key?: string): void {
  busIn(globalThis).publish(name, key);
}

/** Subscribes now rather than on first use; resolves once other nodes' invalidations arrive here. */
export function listenForInvalidations(): Promise<void> {
  return busIn(globalThis).listen();
}

/** Closes the Redis connections of the invalidation channel (shutdown, tests). They reopen on next use. */
export function closeProcessState(): Promise<void> {
  return busIn(globalThis).close();
}
