// An administrator's profile edit: users:write for this customer (segment scopes), and a segment's
// administrator cannot move a customer out of the segment; help desk cannot edit at all.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createAttributeDefinition, parseAttributesForNewAccount, updateProfile } from "./index";

const t = useTestDatabase();
const superAdmin = { id: crypto.randomUUID(), roles: ["admin"] };
const euAdmin = { id: crypto.randomUUID(), roles: ["user_admin:region=EU"] };
const helpDesk = { id: crypto.randomUUID(), roles: ["help_desk"] };

beforeAll(async () => {
  await createAttributeDefinition(superAdmin, { name: "region", label: "Region", type: "enum", required: false, rules: { values: ["EU", "US"] }, customerAccess: "none", appReadScope: null }, {});
});

const customer = (region: string) => t.db().user.create({ data: { email: `p-${crypto.randomUUID().slice(0, 8)}@example.com`, attributes: { region } } });
const region = (values: Record<string, unknown>) => ({ values, source: "json" as const, partial: true });

describe("an administrator's profile edit", () => {
  it("a segment's administrator edits a customer of the segment, audited as theirs", async () => {
    const c = await customer("EU");
    expect(await updateProfile(euAdmin, c.id, { givenName: "Ada" }, { ip: "192.0.2.7" })).toEqual({ changed: ["givenName"] });
    expect(await t.db().auditEvent.findFirst({ where: { targetId: c.id, action: "user.profile_updated" } })).toMatchObject({ actorType: "admin", actorId: euAdmin.id });
  });

  it("but not a customer outside it, nor move one out of it", async () => {
    const us = await customer("US");
    await expect(updateProfile(euAdmin, us.id, { givenName: "Bob" }, {})).rejects.toMatchObject({ code: "forbidden" });
    const eu = await customer("EU");
    await expect(updateProfile(euAdmin, eu.id, {}, {}, region({ region: "US" }))).rejects.toMatchObject({ code: "invalid_attributes" });
    await expect(updateProfile(euAdmin, eu.id, {}, {}, region({ region: null }))).rejects.toMatchObject({ code: "invalid_attributes" });
    expect((await t.db().user.findUniqueOrThrow({ where: { id: eu.id } })).attributes).toEqual({ region: "EU" });
    // A tenant-wide administrator may.
    await updateProfile(superAdmin, eu.id, {}, {}, region({ region: "US" }));
    expect((await t.db().user.findUniqueOrThrow({ where: { id: eu.id } })).attributes).toEqual({ region: "US" });
  });

  it("help desk cannot edit", async () => {
    const c = await customer("EU");
    await expect(updateProfile(helpDesk, c.id, { givenName: "Eve" }, {})).rejects.toMatchObject({ name: "PermissionError", code: "forbidden" });
  });
});

describe("a new account's attributes", () => {
  it("are checked against their definitions, errors by field; unset ones left out", async () => {
    await expect(parseAttributesForNewAccount({ region: "Mars" }, "form")).rejects.toMatchObject({ code: "invalid_attributes", fieldErrors: { "attr.region": expect.any(String) } });
    expect(await parseAttributesForNewAccount({ region: "EU" }, "form")).toEqual({ region: "EU" });
    expect(await parseAttributesForNewAccount({ region: "" }, "form")).toEqual({});
  });
});
