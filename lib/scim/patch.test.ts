import { describe, expect, it } from "vitest";
import { applyPatch, MAX_PATCH_OPERATIONS } from "./patch";
import { ScimError } from "./scim.errors";
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_SCHEMA, PORTICO_USER_SCHEMA, USER_SCHEMA, type ScimExtensions } from "./schemas";

const ext: ScimExtensions = { custom: [{ name: "tier", type: "string" }] };
const ops = (...operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });

const meta = { resourceType: "User", created: "2026-01-01T00:00:00Z", lastModified: "2026-01-01T00:00:00Z", version: 'W/"1"' };
const user = {
  schemas: [USER_SCHEMA],
  id: "u1",
  userName: "bjensen",
  active: true,
  name: { givenName: "Barbara", familyName: "Jensen" },
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" },
  ],
  addresses: [{ type: "work", streetAddress: "100 Universal City Plaza", locality: "Hollywood", primary: true }],
  groups: [{ value: "g9", display: "Tour" }],
  meta,
};
const group = {
  schemas: [GROUP_SCHEMA],
  id: "g1",
  displayName: "Tour Guides",
  members: [
    { value: "2819c223-7f76-453a-919d-413861904646", display: "Babs Jensen" },
    { value: "902c246b-6245-4190-8e05-00816be7344a", display: "Mandy Pepperidge" },
  ],
  meta: { resourceType: "Group" },
};

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error("expected a ScimError");
}

describe("applyPatch: RFC 7644 §3.5.2's examples", () => {
  it("add members (§3.5.2.1), no duplicate", () => {
    const added = applyPatch(
      group,
      ops({ op: "add", path: "members", value: [{ display: "Babs Jensen", $ref: "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646", value: "2819c223-7f76-453a-919d-413861904646" }, { value: "m3" }] }),
      "Group",
      ext,
    );
    expect(added.members).toEqual([...group.members, { value: "m3" }]);
    expect(added.id).toBe("g1");
    expect(added.meta).toEqual({ resourceType: "Group" });
  });

  it("add without a path (§3.5.2.1): attributes merged, names ignoring case", () => {
    const out = applyPatch(user, ops({ op: "add", value: { emails: [{ value: "babs@jensen.org", type: "home" }, { value: "b@x.org", type: "other" }], nickname: "Babs" } }), "User", ext);
    expect(out.nickName).toBe("Babs");
    expect(out.emails).toEqual([...user.emails, { value: "b@x.org", type: "other" }]);
    expect(out.userName).toBe("bjensen");
  });

  it("remove all members; remove one member (§3.5.2.2)", () => {
    expect(applyPatch(group, ops({ op: "remove", path: "members" }), "Group", ext)).not.toHaveProperty("members");
    expect(applyPatch(group, ops({ op: "remove", path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]' }), "Group", ext).members).toEqual([group.members[1]]);
  });

  it("remove with a complex filter (§3.5.2.2)", () => {
    const out = applyPatch(user, ops({ op: "remove", path: 'emails[type eq "work" and value ew "example.com"]' }), "User", ext);
    expect(out.emails).toEqual([{ value: "babs@jensen.org", type: "home" }]);
  });

  it("remove, then add, members (§3.5.2.3's replace of members)", () => {
    const out = applyPatch(group, ops({ op: "remove", path: "members" }, { op: "add", path: "members", value: [{ display: "James Smith", value: "08e1d05d" }] }), "Group", ext);
    expect(out.members).toEqual([{ display: "James Smith", value: "08e1d05d" }]);
  });

  it("replace members outright (§3.5.2.3)", () => {
    expect(applyPatch(group, ops({ op: "replace", path: "members", value: [{ value: "x" }] }), "Group", ext).members).toEqual([{ value: "x" }]);
  });

  it("replace addresses[type eq \"work\"] whole (§3.5.2.3)", () => {
    const address = { type: "work", streetAddress: "911 Universal City Plaza", locality: "Hollywood", region: "CA", postalCode: "91608", country: "US", formatted: "911 Universal City Plaza\nHollywood, CA 91608 US", primary: true };
    expect(applyPatch(user, ops({ op: "replace", path: 'addresses[type eq "work"]', value: address }), "User", ext).addresses).toEqual([address]);
  });

  it("replace addresses[type eq \"work\"].streetAddress (§3.5.2.3)", () => {
    const out = applyPatch(user, ops({ op: "replace", path: 'addresses[type eq "work"].streetAddress', value: "1010 Broadway Ave" }), "User", ext);
    expect(out.addresses).toEqual([{ ...user.addresses[0], streetAddress: "1010 Broadway Ave" }]);
  });

  it("replace without a path (§3.5.2.3): only the attributes named change", () => {
    const emails = [
      { value: "bjensen@example.com", type: "work", primary: true },
      { value: "babs@jensen.org", type: "home" },
    ];
    const out = applyPatch(user, ops({ op: "replace", value: { emails, nickname: "Babs" } }), "User", ext);
    expect(out).toMatchObject({ userName: "bjensen", nickName: "Babs", emails, name: user.name });
  });

  it("replace a complex attribute merges its sub-attributes (§3.5.2.3)", () => {
    expect(applyPatch(user, ops({ op: "replace", path: "name", value: { givenName: "Babs" } }), "User", ext).name).toEqual({ givenName: "Babs", familyName: "Jensen" });
  });
});

describe("applyPatch: the Entra collection's requests", () => {
  it('replace userName; "op": "Replace"', () => {
    expect(applyPatch(user, ops({ op: "replace", path: "userName", value: "ryan3" }), "User", ext).userName).toBe("ryan3");
    expect(applyPatch(user, ops({ op: "Replace", path: "userName", value: "newusername" }), "User", ext).userName).toBe("newusername");
  });

  it("replace active with a boolean, and with the string \"False\"", () => {
    expect(applyPatch(user, ops({ op: "Replace", path: "active", value: false }), "User", ext).active).toBe(false);
    expect(applyPatch(user, ops({ op: "Replace", path: "active", value: "False" }), "User", ext).active).toBe(false);
    expect(applyPatch(user, ops({ op: "Replace", value: { active: "False" } }), "User", ext).active).toBe(false);
  });

  it("add a member with an extra op \"name\" and a member \"displayName\"; remove it; add again; remove all", () => {
    const empty = { schemas: [GROUP_SCHEMA], id: "g1", displayName: "Group1DisplayName" };
    const add = ops({ name: "addMember", op: "add", path: "members", value: [{ displayName: "new User", value: "u4" }] });
    const added = applyPatch(empty, add, "Group", ext);
    expect(added.members).toEqual([{ display: "new User", value: "u4" }]);
    expect(JSON.stringify(added)).toContain("new User");
    const removed = applyPatch(added, ops({ op: "remove", path: 'members[value eq "u4"]' }), "Group", ext);
    expect(removed).not.toHaveProperty("members");
    const again = applyPatch(removed, add, "Group", ext);
    expect(applyPatch(again, ops({ op: "remove", path: "members" }), "Group", ext)).toEqual({ schemas: [GROUP_SCHEMA], id: "g1", displayName: "Group1DisplayName" });
  });

  it("members given as bare string ids, with \"id\" at the message's top level", () => {
    const g = { schemas: [GROUP_SCHEMA], id: "g1", displayName: "Group 1", externalId: "015489ea" };
    const body = (value: string) => ({ id: "g1", Operations: [{ op: "add", path: "members", value }], schemas: [PATCH_OP_SCHEMA] });
    const one = applyPatch(g, body("string id 1"), "Group", ext);
    const two = applyPatch(one, body("string id 2"), "Group", ext);
    expect(two.members).toEqual([{ value: "string id 1" }, { value: "string id 2" }]);
    expect(applyPatch(two, body("string id 2"), "Group", ext).members).toHaveLength(2);
  });

  it("Entra's member removal by value, not every member", () => {
    const out = applyPatch(group, ops({ op: "Remove", path: "members", value: [{ value: "2819c223-7f76-453a-919d-413861904646" }] }), "Group", ext);
    expect(out.members).toEqual([group.members[1]]);
  });

  it('"operations" and "OP" in any case', () => {
    expect(applyPatch(user, { SCHEMAS: [PATCH_OP_SCHEMA], operations: [{ OP: "REPLACE", Path: "displayName", Value: "B" }] }, "User", ext).displayName).toBe("B");
  });
});

describe("applyPatch: paths", () => {
  it("extension attributes by their full path, and in a path-less value", () => {
    const dept = applyPatch(user, ops({ op: "add", path: `${ENTERPRISE_USER_SCHEMA}:department`, value: "Tour" }), "User", ext);
    expect(dept[ENTERPRISE_USER_SCHEMA]).toEqual({ department: "Tour" });
    expect(dept.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    const manager = applyPatch(dept, ops({ op: "replace", path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: { Value: "m1" } }), "User", ext);
    expect(manager[ENTERPRISE_USER_SCHEMA]).toEqual({ department: "Tour", manager: { value: "m1" } });
    const removed = applyPatch(manager, ops({ op: "remove", path: `${ENTERPRISE_USER_SCHEMA}:department` }, { op: "remove", path: `${ENTERPRISE_USER_SCHEMA}:manager` }), "User", ext);
    expect(removed).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
    expect(removed.schemas).toEqual([USER_SCHEMA]);
    const pathless = applyPatch(
      user,
      ops({ op: "replace", value: { [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: "701984", "name.givenName": "Babs", [PORTICO_USER_SCHEMA]: { Tier: "gold" } } }),
      "User",
      ext,
    );
    expect(pathless[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: "701984" });
    expect(pathless[PORTICO_USER_SCHEMA]).toEqual({ tier: "gold" });
    expect(pathless.name).toEqual({ givenName: "Babs", familyName: "Jensen" });
  });

  it("add through a filter that matches nothing creates the value it describes", () => {
    const out = applyPatch(user, ops({ op: "add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0100" }), "User", ext);
    expect(out.phoneNumbers).toEqual([{ type: "mobile", value: "+1 555 0100" }]);
    const again = applyPatch(out, ops({ op: "add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0199" }), "User", ext);
    expect(again.phoneNumbers).toEqual([{ type: "mobile", value: "+1 555 0199" }]);
  });

  it("replace emails[type eq \"work\"].value changes only the matching value", () => {
    const out = applyPatch(user, ops({ op: "replace", path: 'emails[type eq "work"].value', value: "new@example.com" }), "User", ext);
    expect(out.emails).toEqual([{ value: "new@example.com", type: "work", primary: true }, user.emails[1]]);
  });

  it("making a value primary makes the others not primary", () => {
    const out = applyPatch(user, ops({ op: "add", path: "emails", value: [{ value: "c@x.org", type: "other", primary: true }] }), "User", ext);
    expect(out.emails).toEqual([{ ...user.emails[0], primary: false }, user.emails[1], { value: "c@x.org", type: "other", primary: true }]);
    const viaFilter = applyPatch(user, ops({ op: "replace", path: 'emails[type eq "home"].primary', value: true }), "User", ext);
    expect(viaFilter.emails).toEqual([{ ...user.emails[0], primary: false }, { ...user.emails[1], primary: true }]);
  });

  it("remove name.givenName; remove a filter matching nothing changes nothing", () => {
    expect(applyPatch(user, ops({ op: "remove", path: "name.givenName" }), "User", ext).name).toEqual({ familyName: "Jensen" });
    expect(applyPatch(user, ops({ op: "remove", path: 'emails[type eq "other"]' }), "User", ext).emails).toEqual(user.emails);
  });

  it("replace with null unassigns", () => {
    expect(applyPatch(user, ops({ op: "replace", path: "name", value: null }), "User", ext)).not.toHaveProperty("name");
  });

  it("keeps readOnly attributes and never modifies its input", () => {
    const copy = structuredClone(user);
    const out = applyPatch(user, ops({ op: "add", path: "emails", value: [{ value: "c@x.org", primary: true }] }, { op: "replace", path: "name.givenName", value: "B" }), "User", ext);
    expect(user).toEqual(copy);
    expect(out.id).toBe("u1");
    expect(out.meta).toEqual(meta);
    expect(out.groups).toEqual(user.groups);
  });

  it("readOnly and unknown keys of a path-less value are ignored, as in a PUT", () => {
    const out = applyPatch(user, ops({ op: "replace", value: { id: "other", meta: {}, groups: [], nonsense: 1, displayName: "B" } }), "User", ext);
    expect(out).toMatchObject({ id: "u1", meta, groups: user.groups, displayName: "B" });
    expect(out).not.toHaveProperty("nonsense");
  });
});

describe("applyPatch: refused", () => {
  const cases: [string, unknown, "User" | "Group", string][] = [
    ["a body that is not an object", [], "User", "invalidSyntax"],
    ["no PatchOp schema", { Operations: [{ op: "add", path: "nickName", value: "x" }] }, "User", "invalidSyntax"],
    ["another schema", { schemas: [USER_SCHEMA], Operations: [{ op: "add", path: "nickName", value: "x" }] }, "User", "invalidSyntax"],
    ["no Operations", { schemas: [PATCH_OP_SCHEMA] }, "User", "invalidSyntax"],
    ["empty Operations", ops(), "User", "invalidSyntax"],
    ["an unknown op", ops({ op: "move", path: "nickName", value: "x" }), "User", "invalidSyntax"],
    ["an operation that is not an object", ops("add"), "User", "invalidSyntax"],
    ["too many operations", ops(...Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: "add", path: "nickName", value: "x" }))), "User", "invalidValue"],
    ["remove without a path", ops({ op: "remove" }), "User", "noTarget"],
    ["remove userName", ops({ op: "remove", path: "userName" }), "User", "mutability"],
    ["replace userName with null", ops({ op: "replace", path: "userName", value: null }), "User", "mutability"],
    ["remove a Group's displayName", ops({ op: "remove", path: "displayName" }), "Group", "mutability"],
    ["replace id", ops({ op: "replace", path: "id", value: "x" }), "User", "mutability"],
    ["replace meta.created", ops({ op: "replace", path: "meta.created", value: "2026-01-01T00:00:00Z" }), "User", "mutability"],
    ["add groups", ops({ op: "add", path: "groups", value: [{ value: "g2" }] }), "User", "mutability"],
    ["replace a member's value", ops({ op: "replace", path: 'members[value eq "x"].value', value: "y" }), "Group", "mutability"],
    ["replace through a filter matching nothing", ops({ op: "replace", path: 'emails[type eq "other"].value', value: "x@y" }), "User", "noTarget"],
    ["replace a filter matching no member", ops({ op: "replace", path: 'members[value eq "nobody"]', value: { value: "x" } }), "Group", "noTarget"],
    ["add through a filter describing no value", ops({ op: "add", path: 'emails[type co "zzz" or display eq "z"].value', value: "x@y" }), "User", "noTarget"],
    ["an unknown attribute", ops({ op: "add", path: "shoeSize", value: 42 }), "User", "invalidPath"],
    ["an unknown sub-attribute", ops({ op: "add", path: "name.shoeSize", value: "x" }), "User", "invalidPath"],
    ["an unknown extension", ops({ op: "add", path: "urn:example:ext:2.0:User:x", value: "x" }), "User", "invalidPath"],
    ["a filter on a single-valued attribute", ops({ op: "replace", path: 'name[givenName eq "x"]', value: {} }), "User", "invalidPath"],
    ["a malformed path", ops({ op: "replace", path: "emails[type eq", value: "x" }), "User", "invalidPath"],
    ["a path that is not a string", ops({ op: "replace", path: 5, value: "x" }), "User", "invalidPath"],
    ["add without a value", ops({ op: "add", path: "nickName" }), "User", "invalidValue"],
    ["add without a path, the value not an object", ops({ op: "add", value: "x" }), "User", "invalidValue"],
    ['"active": "maybe"', ops({ op: "replace", path: "active", value: "maybe" }), "User", "invalidValue"],
    ["a userName too long", ops({ op: "replace", path: "userName", value: "a".repeat(257) }), "User", "invalidValue"],
    ["emails as a string", ops({ op: "replace", path: "emails", value: "x" }), "User", "invalidValue"],
    ["two primary values in one add", ops({ op: "add", path: "emails", value: [{ value: "a@x", primary: true }, { value: "b@x", primary: true }] }), "User", "invalidValue"],
  ];
  it.each(cases)("%s", (_name, body, kind, scimType) => {
    const error = scimError(() => applyPatch(kind === "User" ? user : group, body, kind, ext));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
  });

  it("names the failing operation", () => {
    const error = scimError(() => applyPatch(user, ops({ op: "add", path: "nickName", value: "x" }, { op: "remove", path: "userName" }), "User", ext));
    expect(error.message).toMatch(/^Operations\[1\]/);
  });
});
