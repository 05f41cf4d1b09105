import { describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { PermissionError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/users";
import { createAttributeDefinition, definitionsWithUnusablePatterns, deleteAttributeDefinition, getClaimSource, getProfile, listAttributeDefinitionsFor, updateAttributeDefinition, updateProfile } from "./index";

const t = useTestDatabase();
const suffix = () => crypto.randomBytes(3).toString("hex");
const person = async () => {
  const u = await t.db().user.create({ data: { email: `attr-${suffix()}@example.com`, emailVerifiedAt: new Date() } });
  return { id: u.id, roles: [] as string[] };
};
const anAdmin = async () => ({ ...(await person()), roles: [ADMIN_ROLE] });
const define = async (admin: { id: string; roles: string[] }, over: Record<string, unknown> = {}) =>
  createAttributeDefinition(admin, { name: `tier_${suffix()}`, label: "Tier", type: "enum", required: false, rules: { values: ["bronze", "gold"] }, customerAccess: "write", appReadScope: "profile", ...over }, {});
const storedAttributes = async (id: string) => (await t.db().user.findUniqueOrThrow({ where: { id } })).attributes as Record<string, unknown>;

describe("attribute definitions (the console's domain)", () => {
  it("names a definition whose stored pattern the linear-time engine cannot use (saved by an earlier version), refusing every value", async () => {
    const admin = await anAdmin();
    const usable = await define(admin, { type: "string", rules: { pattern: "[A-Z]{2}" } });
    // Written past the schema, as an earlier version that accepted lookahead would have stored it.
    const old = await t.db().attributeDefinition.create({ data: { name: `legacy_${suffix()}`, label: "Legacy", type: "string", rules: { pattern: "(?=A)[A-Z]+" }, customerAccess: "write" } });
    const named = await definitionsWithUnusablePatterns();
    expect(named).toContainEqual({ name: old.name, problem: expect.stringMatching(/Lookahead and lookbehind are not supported/) });
    expect(named.map((d) => d.name)).not.toContain(usable.name);
    const customer = await person();
    await expect(updateProfile(customer, customer.id, {}, {}, { values: { [old.name]: "AB" }, source: "json", partial: true })).rejects.toMatchObject({ fieldErrors: { [`attr.${old.name}`]: expect.stringMatching(/not a valid legacy/) } });
    await t.db().attributeDefinition.delete({ where: { id: old.id } });
  });

  it("only administrators define, change, delete or list them (checked in the domain)", async () => {
    const customer = await person();
    await expect(define(customer)).rejects.toBeInstanceOf(PermissionError);
    const d = await define(await anAdmin());
    await expect(updateAttributeDefinition(customer, d.id, { label: "X", type: "enum", required: false, rules: { values: ["gold"] }, customerAccess: "write", appReadScope: null }, {})).rejects.toBeInstanceOf(PermissionError);
    await expect(deleteAttributeDefinition(customer, d.id, {})).rejects.toBeInstanceOf(PermissionError);
    await expect(listAttributeDefinitionsFor(customer)).rejects.toBeInstanceOf(PermissionError);
    expect((await t.db().attributeDefinition.findUniqueOrThrow({ where: { id: d.id } })).label).toBe("Tier");
  });

  it("audits creation and changes (names, never values); refuses a taken name and invalid rules with field errors", async () => {
    const admin = await anAdmin();
    const d = await define(admin);
    expect((await listAuditEvents({ targetId: d.id, action: "attribute.created" }))[0]).toMatchObject({ actorType: "admin", actorId: admin.id, details: { name: d.name, type: "enum" } });
    await expect(define(admin, { name: d.name })).rejects.toMatchObject({ code: "name_taken", field: "name" });
    await expect(define(admin, { type: "string", rules: { pattern: "(?!0)\\d+" } })).rejects.toMatchObject({ code: "invalid_definition", fieldErrors: { pattern: expect.stringMatching(/Lookahead and lookbehind are not supported/) } });
    await updateAttributeDefinition(admin, d.id, { label: "Loyalty tier", type: "enum", required: false, rules: { values: ["bronze", "gold"] }, customerAccess: "write", appReadScope: "profile" }, {});
    expect((await listAuditEvents({ targetId: d.id, action: "attribute.updated" }))[0]!.details).toEqual({ name: d.name, changed: ["label"] });
  });

  it("two administrators creating the same name at once: one is defined, the other gets the field error name_taken, never a 500", async () => {
    const admin = await anAdmin();
    const name = `race_${suffix()}`;
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => define(admin, { name })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
      expect(r.reason).toMatchObject({ code: "name_taken", field: "name", message: "An attribute with this name exists." });
    }
    expect(await t.db().attributeDefinition.count({ where: { name } })).toBe(1);
  });

  it("the type cannot change while values exist; a rule change that stored values would break is refused; deleting removes the values, audited", async () => {
    const admin = await anAdmin();
    const me = await person();
    const d = await define(admin);
    await updateProfile(me, me.id, {}, {}, { values: { [d.name]: "gold" }, source: "json", partial: true });
    const base = { label: "Tier", required: false, customerAccess: "write", appReadScope: "profile" };
    await expect(updateAttributeDefinition(admin, d.id, { ...base, type: "string", rules: {} }, {})).rejects.toMatchObject({ code: "in_use", field: "type" });
    await expect(updateAttributeDefinition(admin, d.id, { ...base, type: "enum", rules: { values: ["bronze", "silver"] } }, {})).rejects.toMatchObject({ code: "in_use", message: expect.stringMatching(/^1 stored value/) });
    // Adding a value breaks nothing.
    await updateAttributeDefinition(admin, d.id, { ...base, type: "enum", rules: { values: ["bronze", "silver", "gold"] } }, {});
    expect((await deleteAttributeDefinition(admin, d.id, {})).valuesRemoved).toBe(1);
    expect(await storedAttributes(me.id)).not.toHaveProperty(d.name);
    expect(await t.db().attributeDefinition.findUnique({ where: { id: d.id } })).toBeNull();
    expect((await listAuditEvents({ targetId: d.id, action: "attribute.deleted" }))[0]!.details).toEqual({ name: d.name, valuesRemoved: 1 });
  });
});

describe("custom attribute values through updateProfile", () => {
  it("the customer writes their writable attributes; the audit names them (attr.<name>), never their values", async () => {
    const admin = await anAdmin();
    const me = await person();
    const tier = await define(admin);
    const secret = await define(admin, { type: "string", rules: {}, name: `code_${suffix()}`, customerAccess: "write", appReadScope: null });
    const { changed } = await updateProfile(me, me.id, { givenName: "Ada" }, {}, { values: { [tier.name]: "gold", [secret.name]: "SECRET-VALUE" }, source: "json", partial: true });
    expect(changed.sort()).toEqual([`attr.${secret.name}`, `attr.${tier.name}`, "givenName"].sort());
    expect((await getProfile(me.id))!.attributes).toMatchObject({ [tier.name]: "gold", [secret.name]: "SECRET-VALUE" });
    const [event] = await listAuditEvents({ targetId: me.id, action: "user.profile_updated" });
    expect((event!.details as { fields: string[] }).fields).toContain(`attr.${tier.name}`);
    expect(JSON.stringify(event!.details)).not.toContain("SECRET-VALUE");
    // null clears.
    await updateProfile(me, me.id, {}, {}, { values: { [secret.name]: null }, source: "json", partial: true });
    expect(await storedAttributes(me.id)).toEqual({ [tier.name]: "gold" });
  });

  it("a wrong value, an unknown attribute or one the customer may not write: field errors, and nothing is saved (not even the standard fields)", async () => {
    const admin = await anAdmin();
    const me = await person();
    const tier = await define(admin);
    const internal = await define(admin, { name: `score_${suffix()}`, type: "number", rules: {}, customerAccess: "read", appReadScope: null });
    await expect(updateProfile(me, me.id, { givenName: "Ada" }, {}, { values: { [tier.name]: "platinum" }, source: "json", partial: true })).rejects.toMatchObject({
      code: "invalid_attributes",
      fieldErrors: { [`attr.${tier.name}`]: expect.stringMatching(/Choose one of/) },
    });
    await expect(updateProfile(me, me.id, {}, {}, { values: { no_such_thing: "x" }, source: "json", partial: true })).rejects.toMatchObject({ fieldErrors: { "attr.no_such_thing": expect.stringMatching(/no such attribute/) } });
    await expect(updateProfile(me, me.id, {}, {}, { values: { [internal.name]: 99 }, source: "json", partial: true })).rejects.toMatchObject({ fieldErrors: { [`attr.${internal.name}`]: expect.stringMatching(/cannot be changed/) } });
    expect((await getProfile(me.id))!.givenName).toBeNull();
    expect(await storedAttributes(me.id)).toEqual({});
    expect(await listAuditEvents({ targetId: me.id, action: "user.profile_updated" })).toHaveLength(0);
    // An administrator may write the attribute the customer only reads.
    await updateProfile(admin, me.id, {}, {}, { values: { [internal.name]: 99 }, source: "json", partial: true });
    expect(await storedAttributes(me.id)).toEqual({ [internal.name]: 99 });
  });

  it("the claim source carries the values and the read scopes in the one statement it already was", async () => {
    const admin = await anAdmin();
    const me = await person();
    const tier = await define(admin);
    const hidden = await define(admin, { name: `hidden_${suffix()}`, appReadScope: null });
    await updateProfile(admin, me.id, {}, {}, { values: { [tier.name]: "gold", [hidden.name]: "bronze" }, source: "json", partial: true });
    const source = (await getClaimSource(me.id))!;
    expect(source.attributes).toEqual({ [tier.name]: "gold", [hidden.name]: "bronze" });
    expect(source.attributeScopes[tier.name]).toBe("profile");
    expect(source.attributeScopes).not.toHaveProperty(hidden.name);
  });
});

describe("concurrent writes", () => {
  it("two writes of different attributes at once both stay (neither overwrites the other with an older copy)", async () => {
    const admin = await anAdmin();
    const [a, b] = [await define(admin), await define(admin)];
    const me = await person();
    await Promise.all([
      updateProfile(me, me.id, {}, {}, { values: { [a.name]: "gold" }, source: "json", partial: true }),
      updateProfile(me, me.id, {}, {}, { values: { [b.name]: "bronze" }, source: "json", partial: true }),
    ]);
    expect(await storedAttributes(me.id)).toMatchObject({ [a.name]: "gold", [b.name]: "bronze" });
    await updateProfile(me, me.id, {}, {}, { values: { [a.name]: null }, source: "json", partial: true });
    expect(await storedAttributes(me.id)).toEqual({ [b.name]: "bronze" });
  });
});
