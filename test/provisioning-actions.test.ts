// The provisioning console's actions past their guard: the form's fields reach the domain (the
// checkbox as write, the lifetime in days), the token comes back once in the form state, refused
// input is tied to its field with what was typed echoed, and a revocation of a revoked token says
// so. The guard itself (the permission, then the console's bar) is walked in console-by-role.test.ts;
// here it is replaced by the administrator it would return, the permission it was asked recorded.
import crypto from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/test/db";
import type { Permission } from "@/lib/users/permissions";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
let asked: Permission[] = [];

vi.mock("@/lib/http/guards", async (original) => ({
  ...(await original<typeof import("@/lib/http/guards")>()),
  adminActionActor: async (permission: Permission) => {
    asked.push(permission);
    return admin;
  },
}));
vi.mock("next/headers", async (original) => ({
  ...(await original<typeof import("next/headers")>()),
  headers: async () => new Headers({ host: "localhost", "user-agent": "vitest" }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { createProvisioningTokenAction, revokeProvisioningTokenAction } = await import("@/app/(admin)/admin/provisioning/actions");
const targets = await import("@/app/(admin)/admin/provisioning/targets/actions");

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

beforeEach(() => {
  asked = [];
});

describe("createProvisioningTokenAction", () => {
  it("creates a read-only token when the box is not ticked, and returns it once", async () => {
    const state = await createProvisioningTokenAction({}, form({ name: "Okta", lifetimeDays: "90" }));
    expect(asked).toEqual(["provisioning:write"]);
    expect(state).toMatchObject({ ok: true, secret: expect.stringMatching(/^portico_scim_/) });
    const row = await t.db().provisioningToken.findFirstOrThrow({ where: { name: "Okta" } });
    expect(row.scopes).toEqual(["scim:read"]);
    expect(row.sendInvitations).toBe(false);
    expect(row.createdBy).toBe(admin.id);
    expect(Math.round((row.expiresAt.getTime() - row.createdAt.getTime()) / 86_400_000)).toBe(90);
    expect(JSON.stringify(row)).not.toContain(state.secret);
  });

  it("a ticked box gives read and write; the other asks for invitations", async () => {
    const state = await createProvisioningTokenAction({}, form({ name: "Entra ID", write: "on", sendInvitations: "on", lifetimeDays: "365" }));
    expect(state.ok).toBe(true);
    const row = await t.db().provisioningToken.findFirstOrThrow({ where: { name: "Entra ID" } });
    expect(row.scopes).toEqual(["scim:read", "scim:write"]);
    expect(row.sendInvitations).toBe(true);
  });

  it.each([
    [{ name: "", lifetimeDays: "365" }, "name"],
    [{ name: "Okta", lifetimeDays: "0" }, "lifetimeDays"],
    [{ name: "Okta", lifetimeDays: "731" }, "lifetimeDays"],
    [{ name: "Okta", lifetimeDays: "" }, "lifetimeDays"],
    [{ name: "Okta", lifetimeDays: "soon" }, "lifetimeDays"],
  ])("refuses %j beside the field %s, echoing what was typed, creating nothing", async (fields, field) => {
    const before = await t.db().provisioningToken.count();
    const state = await createProvisioningTokenAction({}, form({ ...fields, write: "on" }));
    expect(state.ok).toBeFalsy();
    expect(state.secret).toBeUndefined();
    expect(Object.keys(state.fieldErrors ?? {})).toEqual([field]);
    expect(state.values).toEqual({ ...fields, write: "on" });
    expect(await t.db().provisioningToken.count()).toBe(before);
  });
});

describe("revokeProvisioningTokenAction", () => {
  it("revokes; a second time the domain's message is shown", async () => {
    await createProvisioningTokenAction({}, form({ name: "To revoke", lifetimeDays: "30" }));
    const { id } = await t.db().provisioningToken.findFirstOrThrow({ where: { name: "To revoke" } });
    expect(await revokeProvisioningTokenAction({}, form({ id }))).toEqual({ ok: true });
    expect(asked).toContain("provisioning:write");
    expect((await t.db().provisioningToken.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull();
    expect(await revokeProvisioningTokenAction({}, form({ id }))).toEqual({ message: "No such token, or it is already revoked." });
  });

  it("a missing or malformed id is not found", async () => {
    expect(await revokeProvisioningTokenAction({}, new FormData())).toEqual({ message: "No such token." });
    expect(await revokeProvisioningTokenAction({}, form({ id: "x".repeat(65) }))).toMatchObject({ fieldErrors: { id: expect.any(String) } });
  });
});

// Outbound provisioning targets: the domain's refusals come back beside their field (never a 500),
// what was typed echoed except the token; the one-button actions answer in words.
describe("provisioning target actions", () => {
  const fields = { name: "HR system", baseUrl: "https://hr.example.com/scim/v2", token: "hr-secret", scope: "all", onLeave: "deactivate", mapping: "" };

  it.each([
    [{ baseUrl: "http://localhost:3000/scim/v2" }, "baseUrl"],
    [{ baseUrl: "not a url" }, "baseUrl"],
    [{ mapping: "id = userId" }, "mapping"],
    [{ scope: "group", scopeGroup: "Nobody's group" }, "scopeGroup"],
    [{ token: "" }, "token"],
    [{ name: "" }, "name"],
    [{ onLeave: "explode" }, "onLeave"],
  ] as [Record<string, string>, string][])("refuses %j beside the field %s, echoing all but the token", async (change, field) => {
    const state = await targets.createTargetAction({}, form({ ...fields, ...change }));
    expect(state.ok).toBeFalsy();
    expect(Object.keys(state.fieldErrors ?? {})).toEqual([field]);
    expect(state.values).toMatchObject({ name: change.name ?? fields.name, baseUrl: change.baseUrl ?? fields.baseUrl });
    expect(JSON.stringify(state)).not.toContain("hr-secret");
    expect(await t.db().provisioningTarget.count()).toBe(0);
  });

  it("creates (then redirects to the target), enables, syncs and deletes", async () => {
    await expect(targets.createTargetAction({}, form(fields))).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
    const row = await t.db().provisioningTarget.findFirstOrThrow({ where: { name: "HR system" } });
    expect(row.enabled).toBe(false);
    expect(await targets.syncTargetNowAction({}, form({ id: row.id }))).toEqual({ message: "Enable the target first." });
    expect(await targets.setTargetEnabledAction({}, form({ id: row.id, enabled: "1" }))).toMatchObject({ ok: true, message: expect.stringContaining("queued for the initial sync") });
    expect(await targets.syncTargetNowAction({}, form({ id: row.id }))).toMatchObject({ ok: true });
    expect(await targets.updateTargetAction({}, form({ ...fields, id: row.id, baseUrl: "https://x.example.com/scim/v2/?q=1" }))).toMatchObject({ fieldErrors: { baseUrl: expect.any(String) } });
    expect(await targets.deleteTargetAction({}, form({ id: row.id }))).toMatchObject({ fieldErrors: { confirm: "Tick the box to confirm." } });
    await expect(targets.deleteTargetAction({}, form({ id: row.id, confirm: "on" }))).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
    expect(await t.db().provisioningTarget.count()).toBe(0);
    expect(asked.every((p) => p === "provisioning:write")).toBe(true);
  });
});
