import { beforeEach, describe, expect, it } from "vitest";
import { CLIENT_CACHE_TTL_MS, applicationCache } from "./client-cache";

describe("client cache", () => {
  beforeEach(() => applicationCache(async () => null).clear());

  it("serves a hit until the TTL, then loads again; forgetting reloads at once", async () => {
    let loads = 0;
    const cache = applicationCache(async () => ({ version: ++loads }));
    const t0 = 1_000_000;
    expect(await cache.get("a", t0)).toEqual({ version: 1 });
    expect(await cache.get("a", t0 + CLIENT_CACHE_TTL_MS - 1)).toEqual({ version: 1 });
    expect(await cache.get("a", t0 + CLIENT_CACHE_TTL_MS)).toEqual({ version: 2 });
    cache.invalidate("a");
    expect(await cache.get("a", t0 + CLIENT_CACHE_TTL_MS + 1)).toEqual({ version: 3 });
  });

  it("never caches an unknown client", async () => {
    let loads = 0;
    const cache = applicationCache(async () => (++loads, null));
    await cache.get("nobody");
    await cache.get("nobody");
    expect(loads).toBe(2);
  });
});
