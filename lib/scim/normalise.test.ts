import { describe, expect, it } from "vitest";
import { normaliseInput } from "./normalise";
import { ScimError } from "./scim.errors";
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  PORTICO_USER_SCHEMA,
  resourceTypes,
  schemasListResponse,
  serviceProviderConfig,
  USER_SCHEMA,
  type ScimExtensions,
} from "./schemas";

const ext: ScimExtensions = { custom: [{ name: "tier", type: "string" }, { name: "score", type: "number" }, { name: "vip", type: "boolean" }, { name: "since", type: "date" }] };

// The "User tests with garbage" bodies of the Entra collection (scim-entra-postman.json).
const garbageUser = (overrides: Record<string, unknown> = {}) => ({
  userName: "OMalley",
  active: true,
  addresses: [
    { country: "Bermuda", formatted: "9132 Jennifer Way Suite 040\nSouth Nancy, MI 55645", locality: "West Mercedes", postalCode: "99265", region: "Montana", streetAddress: "4939 Hess Fork", type: "work", primary: false },
    { country: null, formatted: "18522 Lisa Unions\nEast Gregory, CT 52311", locality: null, postalCode: null, region: null, streetAddress: null, type: "other", primary: false },
  ],
  displayName: "Kimberly Baker",
  emails: [
    { type: "work", primary: true, value: "anna33@example.com" },
    { type: "other", primary: false, value: "anna33@gmail.com" },
  ],
  meta: { created: "2019-09-18T18:15:26.5788954+00:00", lastModified: "2019-09-18T18:15:26.5788976+00:00", resourceType: "User" },
  name: { formatted: "Daniel Mcgee", familyName: "OMalley", givenName: "Darl", honorificPrefix: null, honorificSuffix: null },
  phoneNumbers: [
    { type: "fax", primary: false, value: "312-320-0500" },
    { type: "mobile", primary: false, value: "312-320-1707" },
    { type: "work", primary: true, value: "312-320-0932" },
  ],
  preferredLanguage: "xh",
  roles: [],
  title: "Site engineer",
  externalId: "22fbc523-6032-4c5f-939d-5d4850cf3e52",
  schemas: [USER_SCHEMA],
  ...overrides,
});

const enterpriseUser = {
  userName: "UserName222",
  active: true,
  displayName: "lennay",
  schemas: [ENTERPRISE_USER_SCHEMA, USER_SCHEMA],
  externalId: "6c6b54c2-fa81-4234-ad4f-420ec6808049",
  name: { formatted: "Adrew Ryan", familyName: "Ryan", givenName: "Andrew" },
  emails: [
    { Primary: true, type: "work", value: "testing@bob2.com" },
    { Primary: false, type: "home", value: "testinghome@bob3.com" },
  ],
  [ENTERPRISE_USER_SCHEMA]: { Department: "bob", Manager: { Value: "SuzzyQ" } },
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

describe("normaliseInput: the Entra collection's bodies", () => {
  it("accepts the enterprise user, names matched ignoring case", () => {
    const user = normaliseInput(enterpriseUser, "User", ext);
    expect(user).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: "UserName222",
      active: true,
      displayName: "lennay",
      externalId: "6c6b54c2-fa81-4234-ad4f-420ec6808049",
      name: { formatted: "Adrew Ryan", familyName: "Ryan", givenName: "Andrew" },
      emails: [
        { primary: true, type: "work", value: "testing@bob2.com" },
        { primary: false, type: "home", value: "testinghome@bob3.com" },
      ],
      [ENTERPRISE_USER_SCHEMA]: { department: "bob", manager: { value: "SuzzyQ" } },
    });
  });

  it("drops meta, nulls and empty lists; keeps the addresses", () => {
    const user = normaliseInput(garbageUser(), "User", ext);
    expect(user.meta).toBeUndefined();
    expect(user.roles).toBeUndefined();
    expect(user.name).toEqual({ formatted: "Daniel Mcgee", familyName: "OMalley", givenName: "Darl" });
    expect(user.addresses).toEqual([
      { country: "Bermuda", formatted: "9132 Jennifer Way Suite 040\nSouth Nancy, MI 55645", locality: "West Mercedes", postalCode: "99265", region: "Montana", streetAddress: "4939 Hess Fork", type: "work", primary: false },
      { formatted: "18522 Lisa Unions\nEast Gregory, CT 52311", type: "other", primary: false },
    ]);
    expect(user.schemas).toEqual([USER_SCHEMA]);
  });

  const accepted: [string, Record<string, unknown>, (u: Record<string, unknown>) => void][] = [
    ['"active": "True" (Post emp1)', garbageUser({ userName: "emp1", active: "True" }), (u) => expect(u.active).toBe(true)],
    ['"active": "false"', garbageUser({ active: "false" }), (u) => expect(u.active).toBe(false)],
    ['"adreses" misspelled (PUT, dropped)', { ...garbageUser({ adreses: garbageUser().addresses }), addresses: undefined }, (u) => expect(u).not.toHaveProperty("adreses")],
    ["the client's id (PUT)", garbageUser({ id: "abc" }), (u) => expect(u).not.toHaveProperty("id")],
    ["groups (readOnly)", garbageUser({ groups: [{ value: "g1" }] }), (u) => expect(u).not.toHaveProperty("groups")],
    ["password (writeOnly: kept for the caller to set)", garbageUser({ password: "s3cret!" }), (u) => expect(u.password).toBe("s3cret!")],
    ["an unknown extension (dropped)", garbageUser({ "urn:example:ext:2.0:User": { a: 1 } }), (u) => expect(Object.keys(u)).not.toContain("urn:example:ext:2.0:User")],
    ["name.FamilyName", garbageUser({ name: { FamilyName: "X" } }), (u) => expect(u.name).toEqual({ familyName: "X" })],
    ["a 2048-character URL", garbageUser({ profileUrl: `https://x.example/${"a".repeat(2000)}` }), (u) => expect(u.profileUrl).toHaveLength(2018)],
    [
      "the Portico extension, ignoring case",
      garbageUser({ "URN:PORTICO:SCIM:SCHEMAS:EXTENSION:2.0:USER": { Tier: "gold", score: 3.5, VIP: "TRUE", since: "2020-01-02", unknown: 1 } }),
      (u) => {
        expect(u[PORTICO_USER_SCHEMA]).toEqual({ tier: "gold", score: 3.5, vip: true, since: "2020-01-02" });
        expect(u.schemas).toEqual([USER_SCHEMA, PORTICO_USER_SCHEMA]);
      },
    ],
  ];
  it.each(accepted)("accepts %s", (_name, body, check) => check(normaliseInput(body, "User", ext)));

  it("accepts the collection's groups, members as objects or bare ids", () => {
    expect(normaliseInput({ schemas: [GROUP_SCHEMA], externalId: "e1", displayName: "Group1DisplayName", members: [] }, "Group", ext)).toEqual({
      schemas: [GROUP_SCHEMA],
      externalId: "e1",
      displayName: "Group1DisplayName",
    });
    expect(normaliseInput({ id: "g3", displayName: "putName", members: [{ value: "u3", display: "VP" }, "u4"] }, "Group", ext)).toEqual({
      schemas: [GROUP_SCHEMA],
      displayName: "putName",
      members: [{ value: "u3", display: "VP" }, { value: "u4" }],
    });
    // The collection's PATCH members carry "displayName"; the Group schema calls it display.
    expect(normaliseInput({ displayName: "g", members: [{ displayName: "new User", value: "u4" }] }, "Group", ext).members).toEqual([{ display: "new User", value: "u4" }]);
  });
});

describe("normaliseInput: refused", () => {
  const refused: [string, unknown, "User" | "Group", string, RegExp][] = [
    ["Post no username", { ...garbageUser(), userName: undefined }, "User", "invalidValue", /userName is required/],
    ["Put a user no username (userame)", { ...garbageUser(), userName: undefined, userame: "OMalley" }, "User", "invalidValue", /userName/],
    ["a null userName", garbageUser({ userName: null }), "User", "invalidValue", /userName/],
    ['"userName": 5', garbageUser({ userName: 5 }), "User", "invalidValue", /userName/],
    ['"emails": "x"', garbageUser({ emails: "x" }), "User", "invalidValue", /emails/],
    ['"emails": ["x"]', garbageUser({ emails: ["x"] }), "User", "invalidValue", /emails/],
    ['"active": "maybe"', garbageUser({ active: "maybe" }), "User", "invalidValue", /active/],
    ['"name": "x"', garbageUser({ name: "x" }), "User", "invalidValue", /name/],
    ["two primary emails", garbageUser({ emails: [{ value: "a@x", primary: true }, { value: "b@x", Primary: "true" }] }), "User", "invalidValue", /primary/],
    ["a 257-character userName", garbageUser({ userName: "a".repeat(257) }), "User", "invalidValue", /userName/],
    ["a 2049-character URL", garbageUser({ profileUrl: "h".repeat(2049) }), "User", "invalidValue", /profileUrl/],
    ["a custom number as a string", garbageUser({ [PORTICO_USER_SCHEMA]: { score: "3" } }), "User", "invalidValue", /score/],
    ["a custom date that is not one", garbageUser({ [PORTICO_USER_SCHEMA]: { since: "yesterday" } }), "User", "invalidValue", /since/],
    ["an extension that is not an object", garbageUser({ [ENTERPRISE_USER_SCHEMA]: "x" }), "User", "invalidValue", /enterprise/],
    ["userName twice, by case", garbageUser({ UserName: "other" }), "User", "invalidValue", /twice/],
    ["a body that is not an object", [], "User", "invalidSyntax", /object/],
    ["a group without displayName", { members: [] }, "Group", "invalidValue", /displayName/],
    ["a member without value", { displayName: "g", members: [{ display: "x" }] }, "Group", "invalidValue", /members\.value/],
    ["members as a number", { displayName: "g", members: 5 }, "Group", "invalidValue", /members/],
  ];
  it.each(refused)("%s", (_name, body, kind, code, detail) => {
    const error = scimError(() => normaliseInput(body, kind, ext));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(code);
    expect(error.message).toMatch(detail);
  });
});

describe("discovery resources", () => {
  const base = "https://id.example.com/scim/v2/";

  it("/Schemas lists User (\"User Account\"), Group, Enterprise User and the Portico extension", () => {
    const list = schemasListResponse(base, ext);
    expect(JSON.stringify(list)).toContain("User Account");
    const resources = list.Resources as Record<string, unknown>[];
    expect(resources.map((r) => r.id)).toEqual([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, PORTICO_USER_SCHEMA]);
    expect(list.totalResults).toBe(4);
    expect(resources[0]!.meta).toEqual({ resourceType: "Schema", location: `https://id.example.com/scim/v2/Schemas/${USER_SCHEMA}` });
    const attributes = resources[0]!.attributes as Record<string, unknown>[];
    expect(attributes.find((a) => a.name === "password")).toMatchObject({ mutability: "writeOnly", returned: "never" });
    expect(attributes.find((a) => a.name === "groups")).toMatchObject({ mutability: "readOnly", multiValued: true });
    for (const a of attributes) expect(Object.keys(a)).toEqual(expect.arrayContaining(["name", "type", "multiValued", "required", "caseExact", "mutability", "returned", "uniqueness"]));
    expect((resources[3]!.attributes as Record<string, unknown>[]).map((a) => [a.name, a.type])).toEqual([
      ["tier", "string"],
      ["score", "decimal"],
      ["vip", "boolean"],
      ["since", "dateTime"],
    ]);
  });

  it("/ResourceTypes has User first, at /Users, with both extensions optional", () => {
    const [user, group] = resourceTypes(base);
    expect(user).toMatchObject({
      id: "User",
      endpoint: "/Users",
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_USER_SCHEMA, required: false },
        { schema: PORTICO_USER_SCHEMA, required: false },
      ],
      meta: { resourceType: "ResourceType", location: "https://id.example.com/scim/v2/ResourceTypes/User" },
    });
    expect(group).toMatchObject({ id: "Group", endpoint: "/Groups", schema: GROUP_SCHEMA });
  });

  it("/ServiceProviderConfig", () => {
    const config = serviceProviderConfig(base, { maxResults: 200, maxPayloadBytes: 1_048_576, maxOperations: 1000 });
    expect(config).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1_048_576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: "oauthbearertoken" }],
      meta: { resourceType: "ServiceProviderConfig", location: "https://id.example.com/scim/v2/ServiceProviderConfig" },
    });
  });
});
