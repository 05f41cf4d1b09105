// SCIM provisioning tokens: made by an administrator holding provisioning:write (or the operator),
// shown once and kept only as their SHA-256, scoped read or read and write, expiring, revocable,
// each creation and revocation audited.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { PermissionError } from "@/lib/errors";
import { authenticateProvisioningToken, createProvisioningToken, listProvisioningTokens, ProvisioningError, revokeProvisioningToken } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.61", userAgent: "vitest" };
const as = (...roles: string[]) => ({ id: crypto.randomUUID(), roles });
const admin = as("admin");
const auditor = as("auditor");
const helpDesk = as("help_desk");

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

async function auditOf(action: string, tokenId: string) {
  return t.db().auditEvent.findFirst({ where: { action, targetType: "provisioning_token", targetId: tokenId } });
}

describe("creating a token", () => {
  it("returns the token once and stores only its SHA-256; audited without it", async () => {
    const issued = await createProvisioningToken({ admin }, { name: "Entra ID", write: true, lifetimeDays: 365 }, ctx);
    expect(issued.token).toMatch(/^portico_scim_[A-Za-z0-9_-]{43}$/);
    expect(issued.name).toBe("Entra ID");

    const row = await t.db().provisioningToken.findUniqueOrThrow({ where: { id: issued.id } });
    expect(row.tokenHash).toBe(sha256(issued.token));
    expect(JSON.stringify(row)).not.toContain(issued.token);
    expect(JSON.stringify(row)).not.toContain(issued.token.slice("portico_scim_".length));
    expect(row.createdBy).toBe(admin.id);
    expect(row.revokedAt).toBeNull();
    expect(Math.abs(row.expiresAt.getTime() - (Date.now() + 365 * 86_400_000))).toBeLessThan(60_000);

    const event = await auditOf("provisioning_token.created", issued.id);
    expect(event).toMatchObject({ actorType: "admin", actorId: admin.id, result: "success", ip: ctx.ip });
    expect(event?.details).toMatchObject({ name: "Entra ID", scopes: ["scim:read", "scim:write"] });
    expect(JSON.stringify({ ...event, id: undefined })).not.toContain(issued.token);

    // The list shows it, never its secret.
    const listed = (await listProvisioningTokens(admin)).find((x) => x.id === issued.id);
    expect(listed).toMatchObject({ name: "Entra ID", scopes: ["scim:read", "scim:write"], lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(issued.token);
    expect(listed).not.toHaveProperty("tokenHash");
  });

  it("is read-only without write, read and write with it", async () => {
    const reader = await createProvisioningToken({ admin }, { name: "Reader", write: false, lifetimeDays: 30 }, ctx);
    const writer = await createProvisioningToken({ admin }, { name: "Writer", write: true, lifetimeDays: 30 }, ctx);
    expect(reader.scopes).toEqual(["scim:read"]);
    expect(writer.scopes).toEqual(["scim:read", "scim:write"]);
    expect((await authenticateProvisioningToken(reader.token))?.scopes).toEqual(["scim:read"]);
    expect((await authenticateProvisioningToken(writer.token))?.scopes).toEqual(["scim:read", "scim:write"]);
  });

  it.each([
    [{ name: "  ", write: false, lifetimeDays: 365 }, "name"],
    [{ name: "x".repeat(101), write: false, lifetimeDays: 365 }, "name"],
    [{ name: "Okta", write: false, lifetimeDays: 0 }, "lifetimeDays"],
    [{ name: "Okta", write: false, lifetimeDays: 731 }, "lifetimeDays"],
    [{ name: "Okta", write: false, lifetimeDays: "1.5" }, "lifetimeDays"],
    [{ name: "Okta", write: false, lifetimeDays: "many" }, "lifetimeDays"],
  ])("refuses %j (field %s)", async (input, field) => {
    const before = await t.db().provisioningToken.count();
    const e = await createProvisioningToken({ admin }, input, ctx).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ProvisioningError);
    expect(e).toMatchObject({ code: "invalid_input", field });
    expect(await t.db().provisioningToken.count()).toBe(before);
  });

  it("accepts 1 and 730 days", async () => {
    await expect(createProvisioningToken({ admin }, { name: "Short", write: false, lifetimeDays: 1 }, ctx)).resolves.toMatchObject({ name: "Short" });
    await expect(createProvisioningToken({ admin }, { name: "Long", write: false, lifetimeDays: "730" }, ctx)).resolves.toMatchObject({ name: "Long" });
  });

  it("by the operator's command line is audited as the system's", async () => {
    const issued = await createProvisioningToken({ operator: "cli:ops" }, { name: "Script", write: false, lifetimeDays: 7 }, {});
    expect(await auditOf("provisioning_token.created", issued.id)).toMatchObject({ actorType: "system", actorId: "cli:ops" });
  });
});

describe("authenticating a token", () => {
  it("gives the client with its scopes, and records when it was last used", async () => {
    const issued = await createProvisioningToken({ admin }, { name: "Okta", write: false, lifetimeDays: 10 }, ctx);
    expect(await authenticateProvisioningToken(issued.token)).toEqual({ tokenId: issued.id, name: "Okta", scopes: ["scim:read"], sendInvitations: false });
    expect((await t.db().provisioningToken.findUniqueOrThrow({ where: { id: issued.id } })).lastUsedAt).not.toBeNull();
  });

  it("refuses a wrong, malformed or missing token", async () => {
    const issued = await createProvisioningToken({ admin }, { name: "Wrong", write: true, lifetimeDays: 10 }, ctx);
    const last = issued.token.at(-1) === "A" ? "B" : "A";
    expect(await authenticateProvisioningToken(issued.token.slice(0, -1) + last)).toBeNull();
    expect(await authenticateProvisioningToken(`portico_scim_${crypto.randomBytes(32).toString("base64url")}`)).toBeNull();
    expect(await authenticateProvisioningToken(issued.token.slice("portico_scim_".length))).toBeNull();
    expect(await authenticateProvisioningToken(issued.token + "x")).toBeNull();
    expect(await authenticateProvisioningToken("")).toBeNull();
    expect(await authenticateProvisioningToken(null)).toBeNull();
  });

  it("refuses an expired token", async () => {
    const issued = await createProvisioningToken({ admin }, { name: "Expiring", write: true, lifetimeDays: 1 }, ctx);
    expect(await authenticateProvisioningToken(issued.token, new Date(Date.now() + 86_400_000 - 60_000))).not.toBeNull();
    expect(await authenticateProvisioningToken(issued.token, new Date(Date.now() + 86_400_000 + 60_000))).toBeNull();
    const old = await createProvisioningToken({ admin }, { name: "Old", write: true, lifetimeDays: 1 }, ctx, new Date(Date.now() - 2 * 86_400_000));
    expect(await authenticateProvisioningToken(old.token)).toBeNull();
  });

  it("refuses a revoked token", async () => {
    const issued = await createProvisioningToken({ admin }, { name: "Revoked", write: true, lifetimeDays: 10 }, ctx);
    expect(await authenticateProvisioningToken(issued.token)).not.toBeNull();
    await revokeProvisioningToken(admin, issued.id, ctx);
    expect(await authenticateProvisioningToken(issued.token)).toBeNull();
  });
});

describe("revoking a token", () => {
  it("revokes once, audited; a second time is not_found", async () => {
    const issued = await createProvisioningToken({ admin }, { name: "Twice", write: false, lifetimeDays: 10 }, ctx);
    await revokeProvisioningToken(admin, issued.id, ctx);
    expect((await t.db().provisioningToken.findUniqueOrThrow({ where: { id: issued.id } })).revokedAt).not.toBeNull();
    expect(await auditOf("provisioning_token.revoked", issued.id)).toMatchObject({ actorType: "admin", actorId: admin.id, result: "success", details: { name: "Twice" } });

    const again = await revokeProvisioningToken(admin, issued.id, ctx).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ProvisioningError);
    expect(again).toMatchObject({ code: "not_found" });
    expect(await t.db().auditEvent.count({ where: { action: "provisioning_token.revoked", targetId: issued.id } })).toBe(1);
  });

  it("an unknown or malformed id is not_found", async () => {
    await expect(revokeProvisioningToken(admin, crypto.randomUUID(), ctx)).rejects.toMatchObject({ name: "ProvisioningError", code: "not_found" });
    await expect(revokeProvisioningToken(admin, "not-a-uuid", ctx)).rejects.toMatchObject({ name: "ProvisioningError", code: "not_found" });
  });
});

describe("permissions", () => {
  it("creating and revoking need provisioning:write: refused to the auditor (read only) and the help desk", async () => {
    const issued = await createProvisioningToken({ admin }, { name: "Kept", write: true, lifetimeDays: 10 }, ctx);
    const before = await t.db().provisioningToken.count();
    for (const actor of [auditor, helpDesk]) {
      const created = await createProvisioningToken({ admin: actor }, { name: "Nope", write: true, lifetimeDays: 10 }, ctx).catch((e: unknown) => e);
      expect(created).toBeInstanceOf(PermissionError);
      expect(created).toMatchObject({ code: "forbidden", permission: "provisioning:write" });
      const revoked = await revokeProvisioningToken(actor, issued.id, ctx).catch((e: unknown) => e);
      expect(revoked).toBeInstanceOf(PermissionError);
    }
    expect(await t.db().provisioningToken.count()).toBe(before);
    expect((await t.db().provisioningToken.findUniqueOrThrow({ where: { id: issued.id } })).revokedAt).toBeNull();
    expect(await authenticateProvisioningToken(issued.token)).not.toBeNull();
  });

  it("listing needs provisioning:read: the auditor may, the help desk may not", async () => {
    await expect(listProvisioningTokens(auditor)).resolves.toBeInstanceOf(Array);
    await expect(listProvisioningTokens(helpDesk)).rejects.toBeInstanceOf(PermissionError);
  });
});
