import { describe, expect, it } from "vitest";
import type { Filter } from "./filter-ast";
import { matchesFilter } from "./filter-match";
import { parseAttributeList, parseFilter, parsePatchPath } from "./filter";
import { ScimError } from "./scim.errors";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const cmp = (attr: string, op: string, value: unknown, sub?: string, schema?: string): Filter =>
  ({ kind: "compare", path: { attr, ...(sub !== undefined ? { sub } : {}), ...(schema ? { schema } : {}) }, op, value }) as Filter;

// RFC 7644 §3.4.2.2's examples, Entra's test collection, and the leniencies.
const PARSES: [string, Filter][] = [
  ['userName eq "bjensen"', cmp("userName", "eq", "bjensen")],
  ['name.familyName co "O\'Malley"', cmp("name", "co", "O'Malley", "familyName")],
  ['userName sw "J"', cmp("userName", "sw", "J")],
  [`${"urn:ietf:params:scim:schemas:core:2.0:User"}:userName sw "J"`, cmp("userName", "sw", "J", undefined, "urn:ietf:params:scim:schemas:core:2.0:User")],
  ["title pr", { kind: "present", path: { attr: "title" } }],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp("meta", "gt", "2011-05-13T04:42:34Z", "lastModified")],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp("meta", "ge", "2011-05-13T04:42:34Z", "lastModified")],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp("meta", "lt", "2011-05-13T04:42:34Z", "lastModified")],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp("meta", "le", "2011-05-13T04:42:34Z", "lastModified")],
  ['title pr and userType eq "Employee"', { kind: "and", left: { kind: "present", path: { attr: "title" } }, right: cmp("userType", "eq", "Employee") }],
  ['title pr or userType eq "Intern"', { kind: "or", left: { kind: "present", path: { attr: "title" } }, right: cmp("userType", "eq", "Intern") }],
  ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', cmp("schemas", "eq", ENT)],
  [
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    { kind: "and", left: cmp("userType", "eq", "Employee"), right: { kind: "or", left: cmp("emails", "co", "example.com"), right: cmp("emails", "co", "example.org", "value") } },
  ],
  [
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    {
      kind: "and",
      left: cmp("userType", "ne", "Employee"),
      right: { kind: "not", filter: { kind: "or", left: cmp("emails", "co", "example.com"), right: cmp("emails", "co", "example.org", "value") } },
    },
  ],
  [
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    {
      kind: "or",
      left: { kind: "valuePath", path: { attr: "emails" }, filter: { kind: "and", left: cmp("type", "eq", "work"), right: cmp("value", "co", "@example.com") } },
      right: { kind: "valuePath", path: { attr: "ims" }, filter: { kind: "and", left: cmp("type", "eq", "xmpp"), right: cmp("value", "co", "@foo.com") } },
    },
  ],
  // Precedence: not > and > or.
  [
    "a eq 1 or b eq 2 and not (c eq 3)",
    { kind: "or", left: cmp("a", "eq", 1), right: { kind: "and", left: cmp("b", "eq", 2), right: { kind: "not", filter: cmp("c", "eq", 3) } } },
  ],
  ["(a eq 1 or b eq 2) and c eq 3", { kind: "and", left: { kind: "or", left: cmp("a", "eq", 1), right: cmp("b", "eq", 2) }, right: cmp("c", "eq", 3) }],
  // Values: JSON strings with escapes, numbers, true/false/null.
  ['userName eq "a\\"b\\\\c\\u00e9"', cmp("userName", "eq", 'a"b\\cé')],
  ["x eq -1.5e3", cmp("x", "eq", -1500)],
  ["active eq true", cmp("active", "eq", true)],
  ["active eq False", cmp("active", "eq", false)],
  ["title eq null", cmp("title", "eq", null)],
  [`${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, cmp("manager", "eq", "26118915-6090-4610-87e4-49d8ca9f808d", "value", ENT)],
  [`${ENT}:department eq "Sales"`, cmp("department", "eq", "Sales", undefined, ENT)],
  // Case: operators, keywords and names as written (matching ignores case).
  ['DisplayName EQ "x"', cmp("DisplayName", "eq", "x")],
  ['name.FamilyName Eq "x" AND meta.Created GT "2020-01-01"', { kind: "and", left: cmp("name", "eq", "x", "FamilyName"), right: cmp("meta", "gt", "2020-01-01", "Created") }],
  // Entra: bare words are strings.
  [
    "name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)",
    {
      kind: "and",
      left: cmp("name", "eq", "Employee", "FamilyName"),
      right: { kind: "or", left: cmp("emails", "co", "example.com", "Value"), right: cmp("emails", "co", "example.org", "Value") },
    },
  ],
  ["userName sw O", cmp("userName", "sw", "O")],
  ["meta.Created gt 2015-10-10T14:38:21.8617979-07:00", cmp("meta", "gt", "2015-10-10T14:38:21.8617979-07:00", "Created")],
  ['DisplayName eq "BobIsAmazing"', cmp("DisplayName", "eq", "BobIsAmazing")],
  ["externalId eq 007", cmp("externalId", "eq", "007")],
  // Not in the grammar: a sub-attribute after the brackets folds into them.
  [
    'emails[type eq "work"].value eq "a@b"',
    { kind: "valuePath", path: { attr: "emails" }, filter: { kind: "and", left: cmp("type", "eq", "work"), right: cmp("value", "eq", "a@b") } },
  ],
  // "not" is an attribute when an operator follows it.
  ["not pr", { kind: "present", path: { attr: "not" } }],
  ['members.$ref eq "x"', cmp("members", "eq", "x", "$ref")],
  // Injection attempts are values.
  ['userName eq "x\\" or 1=1 --"', cmp("userName", "eq", 'x" or 1=1 --')],
  ['userName eq "\'; DROP TABLE \\"User\\"; --"', cmp("userName", "eq", "'; DROP TABLE \"User\"; --")],
];

describe("parseFilter", () => {
  it.each(PARSES)("%s", (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  const ERRORS: [string, RegExp][] = [
    ["", /empty/],
    ["   ", /empty/],
    ['(userName eq "x"', /expected "\)"/],
    ['userName eq "x")', /unbalanced "\)"/],
    ['userName xx "x"', /unknown operator "xx"/],
    ["userName eq", /missing value/],
    ["userName eq )", /missing value/],
    ["userName", /expected an operator/],
    ['userName eq "x" garbage', /unexpected "garbage"/],
    ['userName eq "x" and', /expected an attribute path/],
    ['userName eq "unterminated', /unterminated string/],
    ['userName eq "bad \\q escape"', /invalid string/],
    ['userName;drop eq "x"', /"userName;drop" is not an attribute path/],
    ['a.b.c eq "x"', /not an attribute path/],
    ['emails[type eq "work"', /expected "\]"/],
    ['emails[type[value eq "x"] eq "y"]', /cannot be nested/],
    ['name.givenName[value eq "x"]', /sub-attribute/],
    ["urn:ietf:params:scim:schemas:core:2.0:User pr", /names a schema/],
    ['foo:bar eq "x"', /not a URN/],
    [`userName eq "${"x".repeat(2000)}"`, /longer than 2000/],
    [`${"(".repeat(60)}a eq 1${")".repeat(60)}`, /deeper than 50/],
    [`${"not (".repeat(60)}a eq 1${")".repeat(60)}`, /deeper than 50/],
  ];
  it.each(ERRORS)("refuses %j", (text, detail) => {
    let error: unknown;
    try {
      parseFilter(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe("invalidFilter");
    expect((error as ScimError).status).toBe(400);
    expect((error as ScimError).message).toMatch(detail);
  });

  it("accepts 50 levels of nesting", () => {
    expect(parseFilter(`${"(".repeat(49)}a eq 1${")".repeat(49)}`)).toEqual(cmp("a", "eq", 1));
  });
});

describe("parsePatchPath", () => {
  it.each([
    ["userName", { path: { attr: "userName" } }],
    ["name.givenName", { path: { attr: "name", sub: "givenName" } }],
    ['members[value eq "abc"]', { path: { attr: "members" }, filter: cmp("value", "eq", "abc") }],
    ['emails[type eq "work"].value', { path: { attr: "emails" }, filter: cmp("type", "eq", "work"), sub: "value" }],
    [`${ENT}:department`, { path: { schema: ENT, attr: "department" } }],
    [`${ENT}:manager.value`, { path: { schema: ENT, attr: "manager", sub: "value" } }],
    ['  addresses[type eq "work" and primary eq true].streetAddress ', { path: { attr: "addresses" }, filter: { kind: "and", left: cmp("type", "eq", "work"), right: cmp("primary", "eq", true) }, sub: "streetAddress" }],
  ])("%s", (text, expected) => {
    expect(parsePatchPath(text)).toEqual(expected);
  });

  it.each(["", "user name", 'emails[type eq "work"', 'emails[type eq "work"]x', 'emails[type eq "work"].', "emails]", "a.b.c", 'emails[type zz "work"]', ENT])("refuses %j with invalidPath", (text) => {
    expect(() => parsePatchPath(text)).toThrow(expect.objectContaining({ code: "invalidPath", status: 400 }));
  });
});

describe("parseAttributeList", () => {
  it("splits on commas, ignoring bracketed filters", () => {
    expect(parseAttributeList(`userName, name.givenName,emails[type eq "work, home"],${ENT}:manager.value,,`)).toEqual([
      { attr: "userName" },
      { attr: "name", sub: "givenName" },
      { attr: "emails" },
      { schema: ENT, attr: "manager", sub: "value" },
    ]);
    expect(parseAttributeList('emails[type eq "work"].value')).toEqual([{ attr: "emails", sub: "value" }]);
    expect(parseAttributeList("")).toEqual([]);
  });

  it.each(["user;name", "emails[type", "emails]"])("refuses %j with invalidValue", (text) => {
    expect(() => parseAttributeList(text)).toThrow(expect.objectContaining({ code: "invalidValue" }));
  });
});

describe("matchesFilter", () => {
  const email = { value: "Bjensen@Example.com", type: "work", primary: true };
  const user = {
    userName: "bjensen",
    name: { familyName: "Jensen", givenName: "Barbara" },
    emails: [email, { value: "babs@jensen.org", type: "home" }],
    title: "",
    meta: { created: "2015-10-10T21:38:21.861Z" },
    [ENT]: { department: "Sales", manager: { value: "m-1" } },
    count: 5,
  };
  const m = (value: Record<string, unknown>, text: string) => matchesFilter(value, parseFilter(text));

  it.each([
    [email, 'type eq "work"', true],
    [email, 'TYPE EQ "WORK"', true],
    [email, 'value co "@example.COM"', true],
    [email, 'value sw "bjen"', true],
    [email, 'value ew ".com"', true],
    [email, 'value ew ".org"', false],
    [email, "primary eq true", true],
    [email, "primary eq false", false],
    [email, 'type ne "home"', true],
    [email, 'type ne "work"', false],
    [email, 'display ne "x"', true],
    [email, "display pr", false],
    [email, "display eq null", true],
    [email, 'type eq "work" and not (value co "jensen.org")', true],
    [{ value: "abc" }, 'value eq "ABC"', true],
    [user, 'name.FamilyName eq "jensen"', true],
    [user, 'emails.value co "jensen.org"', true],
    [user, 'emails co "jensen.org"', false],
    [user, 'emails[type eq "home" and value co "example.com"]', false],
    [user, 'emails[type eq "work" and value co "example.com"]', true],
    [user, "title pr", false],
    [user, "name pr", true],
    [user, "emails pr", true],
    [user, 'meta.created gt "2015-10-10T14:38:21.8617979-07:00"', false],
    [user, 'meta.created ge "2015-10-10T14:38:21.8607979-07:00"', true],
    [user, "meta.created lt 2016-01-01T00:00:00Z", true],
    [user, 'userName gt "Alice"', true],
    [user, 'userName lt "B"', false],
    [user, "count ge 5", true],
    [user, "count gt 5", false],
    [user, `${ENT}:department eq "sales"`, true],
    [user, `${ENT}:manager.value eq "M-1"`, true],
  ])("%j matches %s: %s", (value, text, expected) => {
    expect(m(value, text)).toBe(expected);
  });

  it("refuses gt on booleans", () => {
    expect(() => m(email, "primary gt true")).toThrow(expect.objectContaining({ code: "invalidFilter" }));
  });
});
