// Process state across bundles: each vi.resetModules() import below is a fresh module copy, as a
// second Next.js bundle of the same process would load it.
import { afterEach, describe, expect, it, vi } from "vitest";

async function freshCopy() {
  vi.resetModules();
  return import("./index");
}

describe("process state", () => {
  afterEach(async () => (await import("./index")).closeProcessState());

  it("gives every bundle the same singleton", async () => {
    const a = await freshCopy();
    const b = await freshCopy();
    expect(a).not.toBe(b);
    const first = a.processSingleton(`test.single.${Math.random()}`, () => ({ made: 1 }));
    expect(a.processSingleton).not.toBe(b.processSingleton);
    const name = `test.shared.${Math.random()}`;
    const x = a.processSingleton(name, () => ({ bundle: "a" }));
    const y = b.processSingleton(name, () => ({ bundle: "b" }));
    expect(y).toBe(x);
    expect(y.bundle).toBe("a");
    expect(first.made).toBe(1);
  });

  it("shares one cache between bundles, and an invalidation in one clears it for the other", async () => {
    const name = `test.cache.${Math.random()}`;
    let loads = 0;
    const load = async () => ({ version: ++loads });
    const inA = (await freshCopy()).processCache(name, { ttlMs: 60_000, load });
    const inB = (await freshCopy()).processCache(name, { ttlMs: 60_000, load });
    expect(await inA.get("k")).toEqual({ version: 1 });
    expect(await inB.get("k")).toEqual({ version: 1 }); // B sees A's entry: no second load
    inB.invalidate("k");
    expect(await inA.get("k")).toEqual({ version: 2 });
    inA.invalidate(); // everything
    expect(await inB.get("k")).toEqual({ version: 3 });
  });

  it("reloads after the TTL and never caches null", async () => {
    const { processCache } = await import("./index");
    let loads = 0;
    const cache = processCache(`test.ttl.${Math.random()}`, { ttlMs: 1_000, load: async (key) => (key === "none" ? (loads++, null) : { version: ++loads }) });
    expect(await cache.get("k", 0)).toEqual({ version: 1 });
    expect(await cache.get("k", 999)).toEqual({ version: 1 });
    expect(await cache.get("k", 1_000)).toEqual({ version: 2 });
    await cache.get("none");
    await cache.get("none");
    expect(loads).toBe(4);
  });

  it("does not store a load that an invalidation overtook", async () => {
    const { processCache } = await import("./index");
    let release!: () => void;
    let loads = 0;
    const cache = processCache(`test.race.${Math.random()}`, {
      ttlMs: 60_000,
      load: async () => {
        const v = ++loads;
        if (v === 1) await new Promise<void>((r) => (release = r));
        return { version: v };
      },
    });
    const stale = cache.get();
    await vi.waitFor(() => expect(release).toBeTypeOf("function"));
    cache.invalidate();
    release();
    expect(await stale).toEqual({ version: 1 }); // the caller gets what it asked for...
    expect(await cache.get()).toEqual({ version: 2 }); // ...but it was not kept
  });

  it("keeps one value per name for the key ring's kind of state", async () => {
    const { onInvalidation, publishInvalidation } = await import("./index");
    const seen: (string | undefined)[] = [];
    const name = `test.handler.${Math.random()}`;
    onInvalidation(name, (key) => seen.push(key));
    publishInvalidation(name, "x");
    publishInvalidation(name);
    expect(seen).toEqual(["x", undefined]);
  });
});
