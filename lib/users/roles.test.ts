// Role assignment: only within what the granting administrator holds, audited, told to the person,
// and never leaving the tenant without a super administrator (also under a race).
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { grantRole, listAdministrators, revokeRole } from "./index";

const t = useTestDatabase();

async function person(roles: string[] = [], verified = true) {
  const u = await t.db().user.create({
    data: {
      email: `roles-${crypto.randomUUID().slice(0, 8)}@example.com`,
      emailVerifiedAt: verified ? new Date() : null,
      roles: { create: roles.map((r) => ({ role: r.split(":")[0]!, scope: r.includes(":") ? r.slice(r.indexOf(":") + 1) : null })) },
    },
  });
  return { id: u.id, email: u.email, roles };
}

const grantsOf = async (userId: string) => (await t.db().userRole.findMany({ where: { userId }, orderBy: { role: "asc" } })).map((r) => (r.scope ? `${r.role}:${r.scope}` : r.role));

describe("granting roles", () => {
  it("a super administrator gives a help desk role for a segment: stored, audited with the actor, mailed", async () => {
    const admin = await person(["admin"]);
    const staff = await person();
    expect(await grantRole(admin, { user: staff.id, role: "help_desk", scope: "region=EU" }, { ip: "192.0.2.1" })).toBe(true);
    expect(await grantsOf(staff.id)).toEqual(["help_desk:region=EU"]);
    const event = await t.db().auditEvent.findFirstOrThrow({ where: { action: "role.granted", targetId: staff.id } });
    expect(event).toMatchObject({ actorId: admin.id, ip: "192.0.2.1", details: { role: "help_desk", scope: "region=EU" } });
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: staff.email!, template: "role-changed" } });
    expect(mail.subject).toMatch(/Help desk \(region=EU\)/);
    // Granting again changes nothing and writes nothing.
    expect(await grantRole(admin, { user: staff.id, role: "help_desk", scope: "region=EU" }, {})).toBe(false);
    expect(await t.db().auditEvent.count({ where: { action: "role.granted", targetId: staff.id } })).toBe(1);
    const holders = await listAdministrators(admin);
    expect(holders.find((h) => h.id === staff.id)?.grants).toEqual([expect.objectContaining({ role: "help_desk", scope: "region=EU" })]);
  });

  it("a user administrator cannot make a super administrator or an auditor, nor themselves one", async () => {
    const ua = await person(["user_admin"]);
    const other = await person();
    for (const role of ["admin", "auditor", "security_analyst"]) {
      await expect(grantRole(ua, { user: other.id, role }, {})).rejects.toMatchObject({ code: "forbidden" });
      await expect(grantRole(ua, { user: ua.id, role }, {})).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await grantsOf(other.id)).toEqual([]);
    expect(await grantsOf(ua.id)).toEqual(["user_admin"]);
  });

  it("roles without roles:write are refused before anything is read; customers too", async () => {
    const target = await person();
    for (const roles of [["help_desk"], ["auditor"], ["security_analyst"], []]) {
      const actor = await person(roles);
      await expect(grantRole(actor, { user: target.id, role: "help_desk" }, {})).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await grantsOf(target.id)).toEqual([]);
  });

  it("scopes are checked per role: app_admin names an application, segments are attribute=value, other roles take none", async () => {
    const admin = await person(["admin"]);
    const target = await person();
    await expect(grantRole(admin, { user: target.id, role: "app_admin" }, {})).rejects.toMatchObject({ code: "invalid_input", field: "scope" });
    await expect(grantRole(admin, { user: target.id, role: "app_admin", scope: crypto.randomUUID() }, {})).rejects.toMatchObject({ code: "not_found", field: "scope" });
    await expect(grantRole(admin, { user: target.id, role: "help_desk", scope: "region" }, {})).rejects.toMatchObject({ code: "invalid_input", field: "scope" });
    await expect(grantRole(admin, { user: target.id, role: "auditor", scope: "region=EU" }, {})).rejects.toMatchObject({ code: "invalid_input", field: "scope" });
    await expect(grantRole(admin, { user: "not-an-address", role: "auditor" }, {})).rejects.toMatchObject({ code: "invalid_input", field: "user" });
    await expect(grantRole(admin, { user: "nobody@example.com", role: "auditor" }, {})).rejects.toMatchObject({ code: "not_found" });
    await expect(grantRole(admin, { user: crypto.randomUUID(), role: "auditor" }, {})).rejects.toMatchObject({ code: "not_found" });
    const unverified = await person([], false);
    await expect(grantRole(admin, { user: unverified.id, role: "auditor" }, {})).rejects.toMatchObject({ code: "forbidden" });
    expect(await grantsOf(target.id)).toEqual([]);
  });
});

describe("taking roles away", () => {
  it("audited and mailed; a user administrator cannot take away a super administrator", async () => {
    const admin = await person(["admin"]);
    await person(["admin"]); // a second one, so this test never removes the last
    const staff = await person(["help_desk"]);
    const ua = await person(["user_admin"]);
    await expect(revokeRole(ua, { user: admin.id, role: "admin" }, {})).rejects.toMatchObject({ code: "forbidden" });
    expect(await revokeRole(ua, { user: staff.id, role: "help_desk" }, {})).toBe(true);
    expect(await grantsOf(staff.id)).toEqual([]);
    expect(await t.db().auditEvent.count({ where: { action: "role.revoked", targetId: staff.id, actorId: ua.id } })).toBe(1);
    expect(await t.db().mailMessage.count({ where: { to: staff.email!, template: "role-changed" } })).toBe(1);
    expect(await revokeRole(ua, { user: staff.id, role: "help_desk" }, {})).toBe(false);
  });

  it("the last super administrator cannot be removed, even by two who remove each other at once", async () => {
    await t.db().userRole.deleteMany({ where: { role: "admin", scope: null } });
    const a = await person(["admin"]);
    const b = await person(["admin"]);
    const results = await Promise.allSettled([revokeRole(a, { user: b.id, role: "admin" }, {}), revokeRole(b, { user: a.id, role: "admin" }, {})]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: expect.objectContaining({ code: "last_admin" }) });
    expect(await t.db().userRole.count({ where: { role: "admin", scope: null } })).toBe(1);
    const [last] = await t.db().userRole.findMany({ where: { role: "admin", scope: null } });
    const self = last!.userId === a.id ? a : b;
    await expect(revokeRole(self, { user: self.id, role: "admin" }, {})).rejects.toMatchObject({ code: "last_admin" });
  });
});

describe("the last super administrator who can act", () => {
  it("is the last one even when another holder's account is disabled", async () => {
    await t.db().userRole.deleteMany({ where: { role: "admin", scope: null } });
    const active = await person(["admin"]);
    const disabled = await person(["admin"]);
    await t.db().user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
    await expect(revokeRole(active, { user: active.id, role: "admin" }, {})).rejects.toMatchObject({ code: "last_admin" });
    // Taking the role from the disabled holder is fine.
    expect(await revokeRole(active, { user: disabled.id, role: "admin" }, {})).toBe(true);
  });
});
