import { beforeEach, describe, expect, it } from "vitest";
import { CLIENT_CACHE_TTL_MS, cachedClient, forgetAllClients, forgetClient } from "./client-cache";

describe("client cache", () => {
  beforeEach(() => forgetAllClients());

  it("serves a hit until the TTL, then loads again; forgetting reloads at once", async () => {
    let loads = 0;
    const load = async () => ({ version: ++loads });
    const t0 = 1_000_000;
    expect(await cachedClient("a", load, t0)).toEqual({ version: 1 });
    expect(await cachedClient("a", load, t0 + CLIENT_CACHE_TTL_MS - 1)).toEqual({ version: 1 });
    expect(await cachedClient("a", load, t0 + CLIENT_CACHE_TTL_MS)).toEqual({ version: 2 });
    forgetClient("a");
    expect(await cachedClient("a", load, t0 + CLIENT_CACHE_TTL_MS + 1)).toEqual({ version: 3 });
  });

  it("never caches an unknown client", async () => {
    let loads = 0;
    const load = async () => (++loads, null);
    await cachedClient("nobody", load);
    await cachedClient("nobody", load);
    expect(loads).toBe(2);
  });
});
