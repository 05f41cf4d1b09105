// A process-wide cache with a TTL whose invalidation reaches every bundle of this process and, over
// Redis, every node (invalidation.ts). Results that are null or undefined (an unknown client id)
// are not cached: they cost a load each time.
import type { InvalidationBus } from "./invalidation";
import { singletonIn, type StateHolder } from "./singleton";

export interface ProcessCacheOptions<V> {
  ttlMs: number;
  /** Past this many entries the cache starts over (refilling costs one load per key). */
  maxEntries?: number;
  load: (key: string) => Promise<V>;
}

export interface ProcessCache<V> {
  /** The cached value for `key` (omit it for a cache of one value), loaded if absent or older than the TTL. */
  get(key?: string, now?: number): Promise<V>;
  /** Someone changed the source: forget `key` (or everything) here at once and on every other node. */
  invalidate(key?: string): void;
  /** Forget everything in this process only (tests). */
  clear(): void;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}
interface State<V> {
  entries: Map<string, Entry<V>>;
  /** Bumped by every invalidation: a load that started before one must not store what it read. */
  generation: number;
}

const WHOLE = "";

export function cacheIn<V>(holder: StateHolder, bus: InvalidationBus, name: string, opts: ProcessCacheOptions<V>): ProcessCache<V> {
  const state = singletonIn<State<V>>(holder, `cache.${name}`, () => ({ entries: new Map(), generation: 0 }));
  const forget = (key: string | undefined) => {
    state.generation++;
    if (key === undefined) state.entries.clear();
    else state.entries.delete(key);
  };
  bus.on(name, forget);
  return {
    async get(key = WHOLE, now = Date.now()) {
      const hit = state.entries.get(key);
      if (hit && hit.expiresAt > now) return hit.value;
      void bus.listen().catch(() => {}); // from now on this node holds a copy others may need to clear
      const generation = state.generation;
      const value = await opts.load(key);
      if (value === null || value === undefined) {
        state.entries.delete(key);
        return value;
      }
      if (generation === state.generation) {
        if (opts.maxEntries !== undefined && state.entries.size >= opts.maxEntries) state.entries.clear();
        state.entries.set(key, { value, expiresAt: now + opts.ttlMs });
      }
      return value;
    },
    invalidate: (key) => bus.publish(name, key),
    clear: () => forget(undefined),
  };
}
