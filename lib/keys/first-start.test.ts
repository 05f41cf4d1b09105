import { expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { clearSigningKeyCache, ensureSigningKeys, signJwt, SUPPORTED_ALGS } from "./index";

const t = useTestDatabase();

it("nodes starting at once create one first key per alg, not one each", async () => {
  const now = new Date();
  const results = await Promise.all([0, 1, 2].map(() => ensureSigningKeys(now)));
  expect(results.flatMap((r) => r.created).length).toBe(SUPPORTED_ALGS.length);
  expect(await t.db().signingKey.count()).toBe(SUPPORTED_ALGS.length);
});

it("signJwt creates the first keys lazily when the server start did not", async () => {
  await t.db().signingKey.deleteMany();
  clearSigningKeyCache();
  const token = await signJwt({ sub: "x", exp: Math.floor(Date.now() / 1000) + 60 }, { alg: "RS256" });
  expect(token.split(".")).toHaveLength(3);
  expect(await t.db().signingKey.count()).toBe(SUPPORTED_ALGS.length);
});
