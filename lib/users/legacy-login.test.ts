import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { needsRehash } from "@/lib/credentials";
import { authenticateWithPassword, UserError } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.44", userAgent: "vitest" };

describe("password sign-in with an imported (legacy) hash", () => {
  it("signs in, replaces the hash with argon2id in the same request, and does so only once", async () => {
    // Spring Security's documented bcrypt("password"): a hash made by another system.
    const legacy = "$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG";
    const user = await t.db().user.create({ data: { email: "legacy@example.com", passwordHash: legacy, emailVerifiedAt: new Date() } });

    await expect(authenticateWithPassword({ email: user.email!, password: "Password" }, ctx)).rejects.toBeInstanceOf(UserError);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(legacy);

    await authenticateWithPassword({ email: user.email!, password: "password" }, ctx);
    const upgraded = (await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(needsRehash(upgraded)).toBe(false);

    await authenticateWithPassword({ email: user.email!, password: "password" }, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(upgraded);
  });

  it("refuses a stored hash above the ceilings like a wrong password", async () => {
    const hostile = (await bcrypt.hash("password", 4)).replace(/^\$2b\$04\$/, "$2b$31$");
    const user = await t.db().user.create({ data: { email: "hostile@example.com", passwordHash: hostile } });
    const err = await authenticateWithPassword({ email: user.email!, password: "password" }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe("invalid_credentials");
  });
});
