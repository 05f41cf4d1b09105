// Process-wide values. Next.js may load one module into several bundles of a single process (route
// handlers, server actions, the fast path, instrumentation), each with its own module scope, so a
// module-level `let` or `new Map()` can exist twice and a change made through one copy is missed by
// the other. Everything that must be one per process lives on globalThis under a registered symbol,
// which every bundle resolves to the same key.

/** Where a process's values live: globalThis, or a stand-in object for a simulated second node in tests. */
export type StateHolder = object;

export function singletonIn<T>(holder: StateHolder, name: string, create: () => T): T {
  const key = Symbol.for(`portico.${name}`);
  const slots = holder as Record<symbol, unknown>;
  if (!(key in slots)) slots[key] = create();
  return slots[key] as T;
}

/**
 * The one `name` value of this process, made by `create` on first use. For a value that comes and
 * goes (a worker, an open database), keep a box: `processSingleton("x", () => ({ current: undefined }))`.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  return singletonIn(globalThis, name, create);
}
