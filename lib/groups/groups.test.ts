// The console's group management: every function for the roles holding its permission, refused
// (PermissionError "forbidden") to the others and to a segment's administrator outside the segment;
// names unique ignoring case; staff never members; every change audited and the group's updatedAt
// (SCIM's meta.version) moved.
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import type { Actor } from "@/lib/users";
import { addMember, createGroup, deleteGroup, getGroup, GROUP_PAGE_SIZE, listGroups, MEMBER_PAGE_SIZE, removeMember, renameGroup } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.7", userAgent: "vitest" };

const as = (...roles: string[]): Actor => ({ id: crypto.randomUUID(), roles });
const superAdmin = as("admin");
const userAdmin = as("user_admin");
const userAdminEu = as("user_admin:region=EU");
const helpDesk = as("help_desk");
const helpDeskEu = as("help_desk:region=EU");
const analyst = as("security_analyst");
const appAdmin = as("app_admin");
const auditor = as("auditor");

const unique = () => crypto.randomUUID().slice(0, 8);

async function customer(attributes: Record<string, string> = { region: "US" }) {
  return t.db().user.create({ data: { email: `c-${unique()}@example.com`, displayName: "Ada", attributes } });
}

async function staff(role = "help_desk") {
  const user = await customer();
  await t.db().userRole.create({ data: { userId: user.id, role } });
  return user;
}

const audits = (groupId: string, action: string) => t.db().auditEvent.findMany({ where: { targetType: "group", targetId: groupId, action } });
const updatedAt = async (id: string) => (await t.db().group.findUniqueOrThrow({ where: { id } })).updatedAt;
const forbidden = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ name: "PermissionError", code: "forbidden" });
const groupError = (p: Promise<unknown>, code: string, field?: string) => expect(p).rejects.toMatchObject({ name: "GroupError", code, ...(field ? { field } : {}) });
const tick = () => new Promise((r) => setTimeout(r, 5));

describe("createGroup", () => {
  it("creates a group, audited with the administrator as actor", async () => {
    const name = `Engineering ${unique()}`;
    const group = await createGroup(superAdmin, `  ${name} `, ctx);
    expect(group.displayName).toBe(name);
    const [event] = await audits(group.id, "group.created");
    expect(event).toMatchObject({ actorType: "admin", actorId: superAdmin.id, result: "success", ip: ctx.ip, details: { displayName: name } });
  });

  it("keeps names unique ignoring case, the error on the name's field", async () => {
    const name = `Sales ${unique()}`;
    await createGroup(userAdmin, name, ctx);
    await groupError(createGroup(superAdmin, name.toUpperCase(), ctx), "name_taken", "displayName");
    await groupError(createGroup(superAdmin, "   ", ctx), "invalid_input", "displayName");
    await groupError(createGroup(superAdmin, "x".repeat(257), ctx), "invalid_input", "displayName");
  });

  it("needs groups:write tenant-wide: refused to the help desk, readers and a segment's administrator", async () => {
    for (const actor of [helpDesk, helpDeskEu, analyst, appAdmin, auditor, userAdminEu, as()]) await forbidden(createGroup(actor, `Nope ${unique()}`, ctx));
    expect(await t.db().group.count({ where: { displayName: { startsWith: "Nope" } } })).toBe(0);
  });
});

describe("listGroups", () => {
  it("searches by name prefix ignoring case, with member counts, paged by name", async () => {
    const prefix = `pg${unique()}`;
    const names = Array.from({ length: GROUP_PAGE_SIZE + 3 }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
    for (const name of names) await createGroup(superAdmin, name, ctx);
    const first = await createGroup(superAdmin, `${prefix.toUpperCase()}-aaa`, ctx);
    const c = await customer();
    await addMember(superAdmin, first.id, c.email!, ctx);

    const page1 = await listGroups(helpDesk, { search: prefix.toUpperCase() });
    expect(page1.groups).toHaveLength(GROUP_PAGE_SIZE);
    expect(page1.groups.map((g) => g.displayName)).toEqual(names.slice(0, GROUP_PAGE_SIZE));
    expect(page1.next).not.toBeNull();
    const page2 = await listGroups(helpDesk, { search: prefix, cursor: page1.next! });
    expect(page2.groups.map((g) => g.displayName)).toEqual([...names.slice(GROUP_PAGE_SIZE), `${prefix.toUpperCase()}-aaa`]);
    expect(page2.next).toBeNull();
    expect(page2.groups.at(-1)).toMatchObject({ id: first.id, memberCount: 1 });
    expect(page2.groups[0]!.memberCount).toBe(0);

    expect((await listGroups(auditor, { search: `${prefix}-00` })).groups).toHaveLength(10);
    expect((await listGroups(userAdmin, { search: "no-such-prefix-" + unique() })).groups).toEqual([]);
    await groupError(listGroups(superAdmin, { cursor: "not a cursor!" }), "invalid_cursor");
  });

  it("needs groups:read", async () => {
    for (const actor of [analyst, appAdmin, as()]) await forbidden(listGroups(actor));
    await expect(listGroups(helpDeskEu)).resolves.toBeDefined();
  });
});

describe("getGroup", () => {
  it("reads a group with its members' addresses and names, paged, the segments' members only for a segment's reader", async () => {
    const group = await createGroup(superAdmin, `Detail ${unique()}`, ctx);
    const eu = await customer({ region: "EU" });
    const us = await customer({ region: "US" });
    await addMember(superAdmin, group.id, eu.email!, ctx);
    await addMember(superAdmin, group.id, us.email!, ctx);

    const read = await getGroup(helpDesk, group.id);
    expect(read).toMatchObject({ id: group.id, displayName: group.displayName, memberCount: 2, hiddenMembers: 0, nextMembers: null });
    expect(read.members.map((m) => [m.userId, m.email, m.displayName])).toEqual([
      [eu.id, eu.email, "Ada"],
      [us.id, us.email, "Ada"],
    ]);
    const segment = await getGroup(helpDeskEu, group.id);
    expect(segment.members.map((m) => m.userId)).toEqual([eu.id]);
    expect(segment.hiddenMembers).toBe(1);

    await groupError(getGroup(superAdmin, crypto.randomUUID()), "not_found");
    await groupError(getGroup(superAdmin, "not-a-uuid"), "not_found");
    for (const actor of [analyst, appAdmin]) await forbidden(getGroup(actor, group.id));
  });

  it("pages members by MEMBER_PAGE_SIZE", async () => {
    const group = await createGroup(superAdmin, `Big ${unique()}`, ctx);
    const users = await Promise.all(Array.from({ length: MEMBER_PAGE_SIZE + 2 }, () => customer()));
    await t.db().groupMember.createMany({ data: users.map((u) => ({ groupId: group.id, userId: u.id })) });
    const first = await getGroup(auditor, group.id);
    expect(first.members).toHaveLength(MEMBER_PAGE_SIZE);
    expect(first.memberCount).toBe(MEMBER_PAGE_SIZE + 2);
    const second = await getGroup(auditor, group.id, { membersCursor: first.nextMembers! });
    expect(second.members).toHaveLength(2);
    expect(second.nextMembers).toBeNull();
    expect(new Set([...first.members, ...second.members].map((m) => m.userId)).size).toBe(MEMBER_PAGE_SIZE + 2);
  });
});

describe("renameGroup", () => {
  it("renames, audited, updatedAt moved; a change of case of its own name is allowed", async () => {
    const group = await createGroup(superAdmin, `Old ${unique()}`, ctx);
    const before = await updatedAt(group.id);
    await tick();
    const renamed = await renameGroup(userAdmin, group.id, `New ${group.displayName}`, ctx);
    expect(renamed.displayName).toBe(`New ${group.displayName}`);
    expect((await updatedAt(group.id)).getTime()).toBeGreaterThan(before.getTime());
    const [event] = await audits(group.id, "group.renamed");
    expect(event).toMatchObject({ actorId: userAdmin.id, details: { from: group.displayName, to: renamed.displayName } });
    await expect(renameGroup(superAdmin, group.id, renamed.displayName.toUpperCase(), ctx)).resolves.toMatchObject({ displayName: renamed.displayName.toUpperCase() });
  });

  it("refuses another group's name ignoring case, an unknown group, and roles without groups:write tenant-wide", async () => {
    const a = await createGroup(superAdmin, `Alpha ${unique()}`, ctx);
    const b = await createGroup(superAdmin, `Beta ${unique()}`, ctx);
    await groupError(renameGroup(superAdmin, b.id, a.displayName.toLowerCase(), ctx), "name_taken", "displayName");
    await groupError(renameGroup(superAdmin, crypto.randomUUID(), "Gamma", ctx), "not_found");
    for (const actor of [helpDesk, auditor, userAdminEu]) await forbidden(renameGroup(actor, b.id, "Gamma", ctx));
    expect((await t.db().group.findUniqueOrThrow({ where: { id: b.id } })).displayName).toBe(b.displayName);
  });
});

describe("deleteGroup", () => {
  it("deletes the group and its memberships, not the accounts; audited", async () => {
    const group = await createGroup(superAdmin, `Gone ${unique()}`, ctx);
    const c = await customer();
    await addMember(superAdmin, group.id, c.email!, ctx);
    await forbidden(deleteGroup(helpDesk, group.id, ctx));
    await forbidden(deleteGroup(userAdminEu, group.id, ctx));
    expect(await deleteGroup(userAdmin, group.id, ctx)).toEqual({ displayName: group.displayName, membersRemoved: 1 });
    expect(await t.db().group.findUnique({ where: { id: group.id } })).toBeNull();
    expect(await t.db().user.findUnique({ where: { id: c.id } })).not.toBeNull();
    const [event] = await audits(group.id, "group.deleted");
    expect(event).toMatchObject({ actorId: userAdmin.id, details: { displayName: group.displayName, membersRemoved: 1 } });
    await groupError(deleteGroup(superAdmin, group.id, ctx), "not_found");
  });
});

describe("addMember and removeMember", () => {
  it("adds by sign-in address (any case) and removes, each audited and moving updatedAt", async () => {
    const group = await createGroup(superAdmin, `Members ${unique()}`, ctx);
    const c = await customer();
    let before = await updatedAt(group.id);
    await tick();
    expect(await addMember(userAdmin, group.id, ` ${c.email!.toUpperCase()} `, ctx)).toEqual({ userId: c.id, email: c.email });
    expect(await t.db().groupMember.count({ where: { groupId: group.id, userId: c.id } })).toBe(1);
    expect((await updatedAt(group.id)).getTime()).toBeGreaterThan(before.getTime());
    expect((await audits(group.id, "group.member_added"))[0]).toMatchObject({ actorId: userAdmin.id, details: { userId: c.id, email: c.email } });
    await groupError(addMember(userAdmin, group.id, c.email!, ctx), "already_member", "email");

    before = await updatedAt(group.id);
    await tick();
    await removeMember(userAdmin, group.id, c.id, ctx);
    expect(await t.db().groupMember.count({ where: { groupId: group.id } })).toBe(0);
    expect((await updatedAt(group.id)).getTime()).toBeGreaterThan(before.getTime());
    expect((await audits(group.id, "group.member_removed"))[0]).toMatchObject({ actorId: userAdmin.id, details: { userId: c.id, email: c.email } });
    await groupError(removeMember(userAdmin, group.id, c.id, ctx), "not_member");
  });

  it("refuses staff and unknown addresses with a clear message on the email field", async () => {
    const group = await createGroup(superAdmin, `Refusals ${unique()}`, ctx);
    const admin = await staff("admin");
    await expect(addMember(superAdmin, group.id, admin.email!, ctx)).rejects.toMatchObject({ code: "staff_account", field: "email", message: expect.stringMatching(/staff/) });
    await expect(addMember(superAdmin, group.id, "nobody-" + unique() + "@example.com", ctx)).rejects.toMatchObject({ code: "no_account", field: "email", message: "No account has this email address." });
    await groupError(addMember(superAdmin, crypto.randomUUID(), admin.email!, ctx), "not_found");
    expect(await t.db().groupMember.count({ where: { groupId: group.id } })).toBe(0);
    expect(await audits(group.id, "group.member_added")).toEqual([]);
  });

  it("needs groups:write and users:write over the customer: a segment's administrator only within the segment", async () => {
    const group = await createGroup(superAdmin, `Segments ${unique()}`, ctx);
    const eu = await customer({ region: "EU" });
    const us = await customer({ region: "US" });
    await addMember(userAdminEu, group.id, eu.email!, ctx);
    await forbidden(addMember(userAdminEu, group.id, us.email!, ctx));
    await addMember(superAdmin, group.id, us.email!, ctx);
    await forbidden(removeMember(userAdminEu, group.id, us.id, ctx));
    for (const actor of [helpDesk, helpDeskEu, analyst, appAdmin, auditor]) {
      await forbidden(addMember(actor, group.id, eu.email!, ctx));
      await forbidden(removeMember(actor, group.id, eu.id, ctx));
    }
    await removeMember(userAdminEu, group.id, eu.id, ctx);
    expect((await t.db().groupMember.findMany({ where: { groupId: group.id } })).map((m) => m.userId)).toEqual([us.id]);
  });

  it("a group holding application roles: changing its members or deleting it needs applications:write over those applications", async () => {
    const group = await createGroup(superAdmin, `Payroll users ${unique()}`, ctx);
    const app = await t.db().application.create({ data: { clientId: `payroll-${unique()}`, name: "Payroll", redirectUris: ["https://payroll.example.com/cb"] } });
    const role = await t.db().applicationRole.create({ data: { applicationId: app.id, name: "approver" } });
    await t.db().roleAssignment.create({ data: { roleId: role.id, groupId: group.id } });
    const member = await customer({ region: "EU" });
    const joiner = await customer({ region: "EU" });
    await addMember(superAdmin, group.id, member.email!, ctx);

    for (const actor of [userAdmin, userAdminEu]) {
      await groupError(addMember(actor, group.id, joiner.email!, ctx), "roles_not_yours", "email");
      await groupError(removeMember(actor, group.id, member.id, ctx), "roles_not_yours");
    }
    await groupError(deleteGroup(userAdmin, group.id, ctx), "roles_not_yours");
    expect((await t.db().groupMember.findMany({ where: { groupId: group.id } })).map((m) => m.userId)).toEqual([member.id]);
    expect(await audits(group.id, "group.member_removed")).toEqual([]);

    // With the right to manage the application as well, the same administrator may.
    const both = as("user_admin", "app_admin");
    await addMember(both, group.id, joiner.email!, ctx);
    await removeMember(both, group.id, member.id, ctx);
    expect((await t.db().groupMember.findMany({ where: { groupId: group.id } })).map((m) => m.userId)).toEqual([joiner.id]);
  });
});
