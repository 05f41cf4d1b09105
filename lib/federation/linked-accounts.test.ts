// Unlinking never removes the last way in: an identity at a disabled connection does not count as
// one, and two unlinks at once cannot both pass the check (the account's identities are locked).
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { unlinkIdentity } from "./linked-accounts";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.71", userAgent: "vitest" };

async function connection(enabled: boolean) {
  const slug = `c-${crypto.randomBytes(4).toString("hex")}`;
  return t.db().connection.create({
    data: { slug, name: slug, protocol: "oidc", enabled, settings: { protocol: "oidc", issuer: "https://idp.example", clientId: "x", scopes: ["openid"], claimMapping: {} } },
  });
}

/** An account with no password and no passkey, signing in only through identities at these connections. */
async function federatedOnly(connections: { id: string }[]) {
  const user = await t.db().user.create({ data: { email: `u-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  const identities = [];
  for (const c of connections) identities.push(await t.db().linkedIdentity.create({ data: { userId: user.id, connectionId: c.id, subject: crypto.randomUUID() } }));
  return { user, identities };
}

describe("unlinkIdentity", () => {
  it("does not count an identity at a disabled connection as a way in", async () => {
    const { user, identities } = await federatedOnly([await connection(true), await connection(false)]);
    await expect(unlinkIdentity(user.id, identities[0]!.id, ctx)).rejects.toMatchObject({ code: "last_sign_in_method" });
    // The disabled one may go: it signs nobody in.
    await unlinkIdentity(user.id, identities[1]!.id, ctx);
    expect(await t.db().linkedIdentity.count({ where: { userId: user.id } })).toBe(1);
  });

  it("lets only one of two concurrent unlinks through when one identity must stay", async () => {
    for (let round = 0; round < 5; round++) {
      const { user, identities } = await federatedOnly([await connection(true), await connection(true)]);
      const results = await Promise.allSettled(identities.map((i) => unlinkIdentity(user.id, i.id, ctx)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "last_sign_in_method" } });
      expect(await t.db().linkedIdentity.count({ where: { userId: user.id } })).toBe(1);
    }
  });
});
