// Invalidation between nodes over Redis. vitest.config.ts includes this file only in runs that
// configure Redis. The second "node" is a stand-in holder with its own bus and its own connections.
import { afterAll, describe, expect, it, vi } from "vitest";

const redisUrl = vi.hoisted(() => {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error("redis-invalidation.test.ts needs TEST_REDIS_URL");
  process.env.REDIS_URL = url;
  return url;
});

import { redisNamespace } from "@/lib/config";
import { closeProcessState, listenForInvalidations, processCache } from "./index";
import { cacheIn } from "./cache";
import { InvalidationBus } from "./invalidation";

describe("cache invalidation across nodes", () => {
  const otherNode = new InvalidationBus(async () => ({ url: redisUrl, namespace: redisNamespace() }));
  afterAll(async () => {
    await otherNode.close();
    await closeProcessState();
  });

  it("clears this node's copy when another node invalidates it, and the other way round", async () => {
    const name = `test.nodes.${Date.now()}`;
    let loadsHere = 0;
    let loadsThere = 0;
    const here = processCache(name, { ttlMs: 60_000, load: async () => ({ version: ++loadsHere }) });
    const there = cacheIn({}, otherNode, name, { ttlMs: 60_000, load: async () => ({ version: ++loadsThere }) });
    expect(await here.get("k")).toEqual({ version: 1 });
    expect(await there.get("k")).toEqual({ version: 1 });
    await Promise.all([listenForInvalidations(), otherNode.listen()]);

    there.invalidate("k");
    expect(await there.get("k")).toEqual({ version: 2 }); // the publisher forgets its own copy at once
    await vi.waitFor(async () => expect(await here.get("k")).toEqual({ version: 2 }), { timeout: 5_000 });

    here.invalidate();
    await vi.waitFor(async () => expect(await there.get("k")).toEqual({ version: 3 }), { timeout: 5_000 });
    expect(await here.get("k")).toEqual({ version: 3 }); // forgotten here at once
    await new Promise((r) => setTimeout(r, 200));
    expect(await here.get("k")).toEqual({ version: 3 }); // and its own message, echoed back, is skipped
    expect(loadsHere).toBe(3);
  });
});
