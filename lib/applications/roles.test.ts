// Application roles: administration (permissions, audit, validation) and what an application is
// entitled to see of a user (entitlementsFor: direct and group roles, deduplicated, its groups only).
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { PermissionError } from "@/lib/errors";
import { createAttributeDefinition } from "@/lib/profile";
import {
  assignApplicationRole,
  assignApplicationRoleByName,
  createApplication,
  createApplicationRole,
  deleteApplicationRole,
  entitlementClaimProblem,
  entitlementsFor,
  listApplicationRoles,
  setClaimMappings,
  setRoleClaims,
  unassignApplicationRole,
  updateApplicationRole,
  type ApplicationDto,
} from "./index";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
const ctx = { ip: "192.0.2.10", userAgent: "vitest" };
let app: ApplicationDto;
let other: ApplicationDto;
let alice: string;
let bob: string;

const appAdminOf = (id: string) => ({ id: crypto.randomUUID(), roles: [`app_admin:${id}`] });
const audit = (action: string, targetId: string) => t.db().auditEvent.findMany({ where: { action, targetId }, orderBy: { id: "asc" } });

async function group(name: string, members: string[]) {
  return t.db().group.create({ data: { displayName: name, members: { create: members.map((userId) => ({ userId })) } } });
}

beforeAll(async () => {
  app = (await createApplication(admin, { name: "Roles app", type: "confidential", redirectUris: ["https://roles.example.com/cb"] }, ctx)).application;
  other = (await createApplication(admin, { name: "Other app", type: "confidential", redirectUris: ["https://other.example.com/cb"] }, ctx)).application;
  alice = (await t.db().user.create({ data: { email: "alice-roles@example.com" } })).id;
  bob = (await t.db().user.create({ data: { email: "bob-roles@example.com" } })).id;
});

describe("claim names", () => {
  it("accepts short unregistered names, roles and groups, and https namespaces; refuses registered claims and other shapes", () => {
    for (const ok of ["roles", "groups", "app_roles", "_x", "https://example.com/roles", "https://example.com/claims#roles"]) expect(entitlementClaimProblem(ok)).toBeNull();
    for (const bad of ["sub", "iss", "aud", "exp", "email", "name", "nonce", "scope", "client_id"]) expect(entitlementClaimProblem(bad)).toMatch(/registered/);
    for (const bad of ["Roles", "1roles", "my-roles", "http://example.com/roles", "https://", "https://exa mple.com/r", "a".repeat(65), `https://example.com/${"a".repeat(200)}`]) {
      expect(entitlementClaimProblem(bad), bad).not.toBeNull();
    }
  });

  it("sets the claims and requireRole (audited), refuses a bad name on its field and two equal names", async () => {
    await expect(setRoleClaims(admin, app.id, { rolesClaim: "sub", groupsClaim: "" }, ctx)).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { rolesClaim: expect.stringMatching(/registered/) } });
    await expect(setRoleClaims(admin, app.id, { rolesClaim: "roles", groupsClaim: "https://bad host/" }, ctx)).rejects.toMatchObject({ fieldErrors: { groupsClaim: expect.any(String) } });
    await expect(setRoleClaims(admin, app.id, { rolesClaim: "roles", groupsClaim: "roles" }, ctx)).rejects.toMatchObject({ fieldErrors: { groupsClaim: expect.stringMatching(/another claim/) } });
    const updated = await setRoleClaims(admin, app.id, { rolesClaim: " https://example.com/roles ", groupsClaim: "groups", requireRole: "on" }, ctx);
    expect(updated).toMatchObject({ rolesClaim: "https://example.com/roles", groupsClaim: "groups", requireRole: true });
    const events = await audit("application.updated", app.id);
    expect(events.at(-1)!.details).toMatchObject({ changed: ["rolesClaim", "groupsClaim", "requireRole"], rolesClaim: "https://example.com/roles" });
    const cleared = await setRoleClaims(admin, app.id, { rolesClaim: "", groupsClaim: null }, ctx);
    expect(cleared).toMatchObject({ rolesClaim: null, groupsClaim: null, requireRole: false });
  });
});

describe("claims of mapped attributes", () => {
  it("keeps a mapped attribute's claim and the roles and groups claims apart, both ways", async () => {
    const app2 = (await createApplication(admin, { name: "Mapped app", type: "confidential", redirectUris: ["https://m.example.com/cb"] }, ctx)).application;
    await createAttributeDefinition(admin, { name: "tier", label: "Tier", type: "string", required: false, rules: {}, customerAccess: "none", appReadScope: "profile" }, ctx);
    await setClaimMappings(admin, app2.id, [{ attribute: "tier", claim: "tier", targets: ["id_token"] }], ctx);
    await expect(setRoleClaims(admin, app2.id, { rolesClaim: "tier" }, ctx)).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { rolesClaim: expect.stringMatching(/already released/) } });
    await setRoleClaims(admin, app2.id, { rolesClaim: "https://example.com/roles", groupsClaim: "teams" }, ctx);
    await expect(setClaimMappings(admin, app2.id, [{ attribute: "tier", claim: "teams", targets: ["id_token"] }], ctx)).rejects.toMatchObject({ fieldErrors: { "mappings.0.claim": expect.stringMatching(/roles or groups/) } });
  });
});

describe("administration", () => {
  it("creates, renames and deletes roles, audited; a name is unique per application", async () => {
    const role = await createApplicationRole(admin, app.id, { name: "editor", description: "Edits" }, ctx);
    expect((await audit("application.role_created", app.id)).at(-1)!.details).toMatchObject({ roleId: role.id, role: "editor" });
    await expect(createApplicationRole(admin, app.id, { name: "editor" }, ctx)).rejects.toMatchObject({ code: "invalid_input", field: "name" });
    await expect(createApplicationRole(admin, app.id, { name: "has space" }, ctx)).rejects.toMatchObject({ code: "invalid_input", field: "name" });
    // Another application may use the same name.
    await createApplicationRole(admin, other.id, { name: "editor" }, ctx);

    await updateApplicationRole(admin, app.id, role.id, { name: "writer" }, ctx);
    expect((await audit("application.role_updated", app.id)).at(-1)!.details).toMatchObject({ role: "writer", previousName: "editor" });
    expect((await listApplicationRoles(admin, app.id)).map((r) => r.name)).toContain("writer");

    await deleteApplicationRole(admin, app.id, role.id, ctx);
    expect((await audit("application.role_deleted", app.id)).at(-1)!.details).toMatchObject({ roleId: role.id, role: "writer" });
    expect((await listApplicationRoles(admin, app.id)).map((r) => r.name)).not.toContain("writer");
  });

  it("lets an application administrator manage their application's roles only, and a role only through its own application", async () => {
    const mine = appAdminOf(app.id);
    const role = await createApplicationRole(mine, app.id, { name: "viewer" }, ctx);
    expect(await assignApplicationRole(mine, app.id, role.id, { userId: alice }, ctx)).toBe(true);
    expect((await listApplicationRoles(mine, app.id)).find((r) => r.id === role.id)!.users.map((u) => u.id)).toEqual([alice]);

    const stranger = appAdminOf(other.id);
    await expect(createApplicationRole(stranger, app.id, { name: "x" }, ctx)).rejects.toBeInstanceOf(PermissionError);
    await expect(assignApplicationRole(stranger, app.id, role.id, { userId: bob }, ctx)).rejects.toBeInstanceOf(PermissionError);
    await expect(listApplicationRoles(stranger, app.id)).rejects.toBeInstanceOf(PermissionError);
    await expect(setRoleClaims(stranger, app.id, { rolesClaim: "roles" }, ctx)).rejects.toBeInstanceOf(PermissionError);
    await expect(deleteApplicationRole(stranger, app.id, role.id, ctx)).rejects.toBeInstanceOf(PermissionError);
    await expect(listApplicationRoles({ id: crypto.randomUUID(), roles: [] }, app.id)).rejects.toBeInstanceOf(PermissionError);
    // Their own application's id with another application's role: not found, nothing assigned.
    await expect(assignApplicationRole(stranger, other.id, role.id, { userId: bob }, ctx)).rejects.toMatchObject({ code: "not_found" });
    expect(await t.db().roleAssignment.count({ where: { roleId: role.id, userId: bob } })).toBe(0);
    // An auditor reads but does not write.
    const auditor = { id: crypto.randomUUID(), roles: ["auditor"] };
    expect((await listApplicationRoles(auditor, app.id)).length).toBeGreaterThan(0);
    await expect(createApplicationRole(auditor, app.id, { name: "y" }, ctx)).rejects.toBeInstanceOf(PermissionError);
  });

  it("assigns by address and by group name, once; unassigns; refuses unknown holders on their field; all audited", async () => {
    const role = await createApplicationRole(admin, app.id, { name: "support" }, ctx);
    const team = await group("Support Team", [bob]);
    expect(await assignApplicationRoleByName(admin, app.id, role.id, { email: " BOB-roles@example.com " }, ctx)).toBe(true);
    expect(await assignApplicationRoleByName(admin, app.id, role.id, { email: "bob-roles@example.com" }, ctx)).toBe(false);
    expect(await assignApplicationRoleByName(admin, app.id, role.id, { groupName: "support team" }, ctx)).toBe(true);
    await expect(assignApplicationRoleByName(admin, app.id, role.id, { email: "nobody@example.com" }, ctx)).rejects.toMatchObject({ code: "invalid_input", field: "email" });
    await expect(assignApplicationRoleByName(admin, app.id, role.id, { groupName: "No such" }, ctx)).rejects.toMatchObject({ code: "invalid_input", field: "groupName" });
    await expect(assignApplicationRole(admin, app.id, role.id, { userId: crypto.randomUUID() }, ctx)).rejects.toMatchObject({ field: "email" });
    const assigned = await audit("application.role_assigned", app.id);
    expect(assigned.filter((e) => (e.details as { roleId?: string }).roleId === role.id).map((e) => e.details)).toEqual([
      expect.objectContaining({ userId: bob, role: "support" }),
      expect.objectContaining({ groupId: team.id, group: "Support Team" }),
    ]);
    const listed = (await listApplicationRoles(admin, app.id)).find((r) => r.id === role.id)!;
    expect(listed.users.map((u) => u.email)).toEqual(["bob-roles@example.com"]);
    expect(listed.groups.map((g) => g.displayName)).toEqual(["Support Team"]);

    expect(await unassignApplicationRole(admin, app.id, role.id, { groupId: team.id }, ctx)).toBe(true);
    expect(await unassignApplicationRole(admin, app.id, role.id, { groupId: team.id }, ctx)).toBe(false);
    expect((await audit("application.role_unassigned", app.id)).filter((e) => (e.details as { roleId?: string }).roleId === role.id)).toHaveLength(1);
  });

  it("refuses a row with both or neither holder (the CHECK constraint)", async () => {
    const role = await t.db().applicationRole.create({ data: { applicationId: other.id, name: "checked" } });
    await expect(t.db().roleAssignment.create({ data: { roleId: role.id } })).rejects.toThrow();
    const g = await group("Check group", []);
    await expect(t.db().roleAssignment.create({ data: { roleId: role.id, userId: alice, groupId: g.id } })).rejects.toThrow();
  });
});

describe("entitlementsFor", () => {
  it("gives the roles held directly and through groups, deduplicated and sorted, and only the groups holding a role of this application", async () => {
    const a = (await createApplication(admin, { name: "Entitled", type: "confidential", redirectUris: ["https://e.example.com/cb"] }, ctx)).application;
    const b = (await createApplication(admin, { name: "Elsewhere", type: "confidential", redirectUris: ["https://f.example.com/cb"] }, ctx)).application;
    const user = (await t.db().user.create({ data: { email: "ent@example.com" } })).id;
    const nobody = (await t.db().user.create({ data: { email: "ent-none@example.com" } })).id;
    const admins = await group("Admins", [user]);
    const staff = await group("Staff", [user, nobody]);
    await group("Book club", [user]); // holds no role: never shown
    const otherApp = await group("Other team", [user]);
    const reader = await createApplicationRole(admin, a.id, { name: "reader" }, ctx);
    const writer = await createApplicationRole(admin, a.id, { name: "writer" }, ctx);
    const owner = await createApplicationRole(admin, a.id, { name: "owner" }, ctx);
    const foreign = await createApplicationRole(admin, b.id, { name: "foreign" }, ctx);

    expect(await entitlementsFor(a.id, user)).toEqual({ roles: [], groups: [] });
    await assignApplicationRole(admin, a.id, writer.id, { userId: user }, ctx);
    await assignApplicationRole(admin, a.id, writer.id, { groupId: admins.id }, ctx); // the same role twice
    await assignApplicationRole(admin, a.id, owner.id, { groupId: admins.id }, ctx);
    await assignApplicationRole(admin, a.id, reader.id, { groupId: staff.id }, ctx);
    await assignApplicationRole(admin, b.id, foreign.id, { groupId: otherApp.id }, ctx);

    expect(await entitlementsFor(a.id, user)).toEqual({ roles: ["owner", "reader", "writer"], groups: ["Admins", "Staff"] });
    expect(await entitlementsFor(a.id, nobody)).toEqual({ roles: ["reader"], groups: ["Staff"] });
    expect(await entitlementsFor(b.id, user)).toEqual({ roles: ["foreign"], groups: ["Other team"] });
    // Leaving a group takes its roles away at once.
    await t.db().groupMember.delete({ where: { groupId_userId: { groupId: staff.id, userId: nobody } } });
    expect(await entitlementsFor(a.id, nobody)).toEqual({ roles: [], groups: [] });
  });
});
