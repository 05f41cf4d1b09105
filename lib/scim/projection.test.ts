import { describe, expect, it } from "vitest";
import type { AttrPath } from "./filter-ast";
import { parseAttributeList } from "./filter";
import { project } from "./projection";
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PORTICO_USER_SCHEMA, resourceSchema, USER_SCHEMA } from "./schemas";

const userSchema = resourceSchema("User", { custom: [{ name: "tier", type: "string" }] });
const meta = { resourceType: "User", created: "2026-01-01T00:00:00Z", lastModified: "2026-01-02T00:00:00Z", location: "https://x/Users/u1", version: 'W/"1"' };
const user = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, PORTICO_USER_SCHEMA],
  id: "u1",
  externalId: "e1",
  userName: "bjensen",
  password: "never shown",
  name: { givenName: "Barbara", familyName: "Jensen", formatted: "Ms. Barbara J Jensen III" },
  displayName: "Babs",
  active: true,
  emails: [
    { value: "emailName357", type: "work", primary: true },
    { value: "b@home.example", type: "home" },
  ],
  [ENTERPRISE_USER_SCHEMA]: { department: "Tour", manager: { value: "m1", displayName: "Boss" } },
  [PORTICO_USER_SCHEMA]: { tier: "gold" },
  meta,
};

const paths = (text: string): AttrPath[] => parseAttributeList(text);

describe("project", () => {
  it("returns everything but password by default", () => {
    const { password: _password, ...rest } = user;
    expect(project(user, {}, userSchema)).toEqual(rest);
  });

  it("never modifies its input", () => {
    const copy = structuredClone(user);
    project(user, { attributes: paths("userName") }, userSchema);
    expect(user).toEqual(copy);
  });

  const cases: [string, { attributes?: string; excludedAttributes?: string }, Record<string, unknown>][] = [
    ["attributes=userName,emails (the collection's query)", { attributes: "userName,emails" }, { schemas: [USER_SCHEMA], id: "u1", userName: "bjensen", emails: user.emails }],
    ["attributes with other case", { attributes: "USERNAME" }, { schemas: [USER_SCHEMA], id: "u1", userName: "bjensen" }],
    ["attributes=name.givenName", { attributes: "name.givenName" }, { schemas: [USER_SCHEMA], id: "u1", name: { givenName: "Barbara" } }],
    ["attributes=emails.value", { attributes: "emails.value" }, { schemas: [USER_SCHEMA], id: "u1", emails: [{ value: "emailName357" }, { value: "b@home.example" }] }],
    ["attributes=emails[type eq \"work\"] (Entra: the filter is ignored)", { attributes: 'emails[type eq "work"]' }, { schemas: [USER_SCHEMA], id: "u1", emails: user.emails }],
    [
      "an extension attribute by its full path",
      { attributes: `${ENTERPRISE_USER_SCHEMA}:department` },
      { schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], id: "u1", [ENTERPRISE_USER_SCHEMA]: { department: "Tour" } },
    ],
    [
      "an extension sub-attribute",
      { attributes: `${ENTERPRISE_USER_SCHEMA}:manager.value` },
      { schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], id: "u1", [ENTERPRISE_USER_SCHEMA]: { manager: { value: "m1" } } },
    ],
    ["a core attribute by its full path", { attributes: `${USER_SCHEMA}:displayName` }, { schemas: [USER_SCHEMA], id: "u1", displayName: "Babs" }],
    ["attributes=password is still never", { attributes: "password,userName" }, { schemas: [USER_SCHEMA], id: "u1", userName: "bjensen" }],
    ["attributes=meta", { attributes: "meta" }, { schemas: [USER_SCHEMA], id: "u1", meta }],
    ["an unknown attribute selects nothing", { attributes: "nothing" }, { schemas: [USER_SCHEMA], id: "u1" }],
  ];
  it.each(cases)("%s", (_name, query, expected) => {
    const q = {
      ...(query.attributes !== undefined ? { attributes: paths(query.attributes) } : {}),
      ...(query.excludedAttributes !== undefined ? { excludedAttributes: paths(query.excludedAttributes) } : {}),
    };
    expect(project(user, q, userSchema)).toEqual(expected);
  });

  it("excludedAttributes removes, but never id", () => {
    const out = project(user, { excludedAttributes: paths("emails,id,name.formatted,password,meta") }, userSchema);
    expect(out.id).toBe("u1");
    expect(out).not.toHaveProperty("emails");
    expect(out).not.toHaveProperty("meta");
    expect(out.name).toEqual({ givenName: "Barbara", familyName: "Jensen" });
    expect(out.userName).toBe("bjensen");
  });

  it("excluding a whole extension's attributes drops it from schemas", () => {
    const out = project(user, { excludedAttributes: paths(`${PORTICO_USER_SCHEMA}:tier`) }, userSchema);
    expect(out).not.toHaveProperty(PORTICO_USER_SCHEMA);
    expect(out.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it("excludedAttributes=members on a Group (the collection's query)", () => {
    const group = { schemas: [GROUP_SCHEMA], id: "g1", displayName: "Group 1", members: [{ value: "string id 1" }], meta: { resourceType: "Group" } };
    expect(project(group, { excludedAttributes: paths("members") }, resourceSchema("Group", { custom: [] }))).toEqual({
      schemas: [GROUP_SCHEMA],
      id: "g1",
      displayName: "Group 1",
      meta: { resourceType: "Group" },
    });
  });
});
