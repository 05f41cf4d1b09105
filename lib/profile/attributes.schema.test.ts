import { describe, expect, it } from "vitest";
import {
  attributeDefinitionSchema,
  attributeSchema,
  compilePattern,
  storedPatternProblem,
  attributeDefinitionFromForm,
  attributeFormSchema,
  claimMappingEcho,
  claimMappingFormSchema,
  claimMappingRowsFromEcho,
  claimMappingRowsFromForm,
  claimMappingsFromRows,
  type AttributeDefinition,
  type AttributeFormValues,
} from "./attributes.schema";
import { mappedClaims } from "./claims";

const def = (d: Partial<AttributeDefinition> & Pick<AttributeDefinition, "name" | "type">): AttributeDefinition => ({
  label: d.name,
  required: false,
  rules: {},
  customerAccess: "write",
  appReadScope: null,
  ...d,
});

const DEFS: AttributeDefinition[] = [
  def({ name: "nick", type: "string", rules: { minLength: 2, maxLength: 5, pattern: "[a-z]+" } }),
  def({ name: "shoe_size", type: "number", rules: { min: 30, max: 50, integer: true } }),
  def({ name: "weight", type: "number", rules: { min: 0 } }),
  def({ name: "newsletter", type: "boolean" }),
  def({ name: "member_since", type: "date", rules: { min: "2000-01-01", max: "2030-12-31" } }),
  def({ name: "loyalty_tier", type: "enum", required: true, rules: { values: ["bronze", "silver", "gold"] } }),
  def({ name: "work_email", type: "email" }),
  def({ name: "work_phone", type: "phone" }),
  def({ name: "homepage", type: "url" }),
  def({ name: "internal_score", type: "number", customerAccess: "none" }),
  def({ name: "account_manager", type: "string", customerAccess: "read" }),
];

const json = (values: Record<string, unknown>, writer: "customer" | "admin" = "customer") => attributeSchema(DEFS, { writer, partial: true }).safeParse(values);
const errorsOf = (r: ReturnType<typeof json>) => (r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message])));

describe("attributeSchema: one schema from the definitions", () => {
  it("accepts each type's valid value and normalises it", () => {
    const r = json({ nick: " abc ", shoe_size: 42, weight: 70.5, newsletter: true, member_since: "2020-02-29", loyalty_tier: "gold", work_email: "Ada@Example.com", work_phone: "+44 20 7946 0958", homepage: "https://example.com" });
    expect(r.success).toBe(true);
    expect(r.data).toEqual({ nick: "abc", shoe_size: 42, weight: 70.5, newsletter: true, member_since: "2020-02-29", loyalty_tier: "gold", work_email: expect.stringMatching(/^ada@example\.com$/i), work_phone: "+442079460958", homepage: "https://example.com/" });
  });

  it.each([
    ["nick", "a", /at least 2/],
    ["nick", "abcdef", /at most 5/],
    ["nick", "ABC", /not a valid/],
    ["shoe_size", 29, /30 or more/],
    ["shoe_size", 51, /50 or less/],
    ["shoe_size", 42.5, /whole number/],
    ["weight", -1, /0 or more/],
    ["member_since", "1999-12-31", /2000-01-01 or later/],
    ["member_since", "2031-01-01", /2030-12-31 or earlier/],
    ["member_since", "2021-02-29", /date like/],
    ["loyalty_tier", "platinum", /Choose one of: bronze, silver, gold/],
    ["work_email", "not-an-email", /email address/],
    ["work_phone", "12", /./],
    ["homepage", "javascript:alert(1)", /https:\/\//],
    ["homepage", "https://u:p@example.com", /no user name/],
  ])("refuses %s = %j beside its name", (name, value, message) => {
    const errors = errorsOf(json({ [name]: value }));
    expect(errors[name]).toMatch(message);
  });

  it("refuses wrong types from JSON (a string for a number, a number for text, text for a boolean)", () => {
    const errors = errorsOf(json({ shoe_size: "42", nick: 12, newsletter: "yes" }));
    expect(errors).toEqual({ shoe_size: "Enter a number.", nick: "Enter text.", newsletter: "Choose yes or no." });
  });

  it("refuses unknown attributes, and attributes the writer may not change", () => {
    const errors = errorsOf(json({ favourite_colour: "blue", internal_score: 3, account_manager: "Bob" }));
    expect(errors.favourite_colour).toMatch(/no such attribute/);
    expect(errors.internal_score).toMatch(/cannot be changed here/);
    expect(errors.account_manager).toMatch(/cannot be changed here/);
    // An administrator writes them all.
    expect(json({ internal_score: 3, account_manager: "Bob" }, "admin").success).toBe(true);
  });

  it("a form posts strings: numbers and booleans are read from them; empty clears, except a required one", () => {
    const form = attributeSchema(DEFS, { writer: "customer", source: "form" });
    const base = { nick: "", shoe_size: "", weight: "", newsletter: "", member_since: "", loyalty_tier: "silver", work_email: "", work_phone: "", homepage: "" };
    const r = form.safeParse({ ...base, shoe_size: "42", newsletter: "on" });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({ shoe_size: 42, newsletter: true, nick: null, loyalty_tier: "silver" });
    expect(errorsOf(form.safeParse({ ...base, shoe_size: "forty-two" }) as never).shoe_size).toBe("Enter a number.");
    expect(errorsOf(form.safeParse({ ...base, loyalty_tier: "" }) as never).loyalty_tier).toMatch(/required/);
    // A boolean not answered stays unanswered (null), never "no"; "false" is an answer.
    expect(form.safeParse({ ...base, newsletter: "" }).data).toMatchObject({ newsletter: null });
    expect(form.safeParse({ ...base, newsletter: "false" }).data).toMatchObject({ newsletter: false });
    expect(errorsOf(form.safeParse({ ...base, newsletter: "maybe" }) as never).newsletter).toBe("Choose yes or no.");
    // Not partial: a writable attribute left out of the form is treated as empty, so a required one is reported.
    const { loyalty_tier: _l, ...withoutTier } = base;
    expect(errorsOf(form.safeParse(withoutTier) as never).loyalty_tier).toMatch(/required/);
  });
});

describe("patterns", () => {
  const definition = (pattern: string): AttributeDefinition => ({ name: "code", label: "Code", type: "string", required: false, rules: { pattern }, customerAccess: "write", appReadScope: null });

  it("matches a customer's value in linear time, even against a pattern a backtracking engine explodes on", () => {
    // With JavaScript's RegExp, "a" × 26 + "!" against ^((a)+)+$ took 6.4 s in this test (in plain Node
    // 27 characters took 1.3 s and 30 took 10.5 s, doubling with each one); RE2 answers in milliseconds at any length.
    for (const pattern of ["((a)+)+", "(a+)+", "(a|aa)*", "(x*)*y"]) {
      const schema = attributeSchema([definition(pattern)], { writer: "customer" });
      const started = performance.now();
      const result = schema.safeParse({ code: "a".repeat(26) + "!" });
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(result.success).toBe(false);
    }
    const long = attributeSchema([definition("((a)+)+")], { writer: "customer" });
    const started = performance.now();
    expect(long.safeParse({ code: "a".repeat(999) + "!" }).success).toBe(false);
    expect(long.safeParse({ code: "a".repeat(1000) }).success).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("compiles patterns anchored to the whole value; refuses JavaScript-only features, bad syntax and long ones", () => {
    const ok = compilePattern("[A-Z]{2}[0-9]{4}");
    expect(ok.ok && ok.regex.testExact("AB1234") && !ok.regex.testExact("xAB1234") && !ok.regex.testExact("AB12345")).toBe(true);
    const unicode = compilePattern("\\p{L}+");
    expect(unicode.ok && unicode.regex.testExact("Zoë")).toBe(true);
    const message = (p: string) => {
      const c = compilePattern(p);
      return c.ok ? null : c.message;
    };
    for (const p of ["(?=a)a", "(?!a)b", "(?<=a)b", "(?<!a)b"]) expect(message(p)).toMatch(/Lookahead and lookbehind are not supported/);
    for (const p of ["(a)\\1", "(?<n>a)\\k<n>"]) expect(message(p)).toMatch(/Back-references are not supported/);
    expect(message("(")).toMatch(/^This is not a valid regular expression: missing closing \)/);
    expect(message("\\u00e9")).toMatch(/not a valid regular expression/);
    expect(message("a".repeat(201))).toMatch(/at most 200/);
  });

  it("names a stored pattern the linear-time engine cannot use (saved before RE2), and none for a usable one", () => {
    expect(storedPatternProblem({ pattern: "(?=\\d)\\w+" })).toMatch(/Lookahead and lookbehind are not supported/);
    expect(storedPatternProblem({ pattern: "[A-Z]{2}" })).toBeNull();
    expect(storedPatternProblem({})).toBeNull();
  });

  it("refuses at definition time a pattern the linear-time engine cannot compile, beside the pattern field", () => {
    const parse = (pattern: string) => attributeDefinitionSchema.safeParse({ name: "code", label: "Code", type: "string", required: false, rules: { pattern }, customerAccess: "write", appReadScope: null });
    const refused = parse("(?=\\d)\\w+");
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => [i.path[0], i.message])).toEqual([["pattern", expect.stringMatching(/Lookahead and lookbehind are not supported/)]]);
    expect(parse("((a)+)+").success).toBe(true);
  });
});

describe("attribute definitions", () => {
  const base = { name: "loyalty_tier", label: "Loyalty tier", type: "enum", required: false, rules: { values: ["gold"] }, customerAccess: "write", appReadScope: "profile" };
  const errors = (over: Record<string, unknown>) => {
    const r = attributeDefinitionSchema.safeParse({ ...base, ...over });
    return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
  };
  it("accepts a valid definition and fills the type's rules", () => {
    expect(attributeDefinitionSchema.parse({ ...base, type: "number", rules: { min: 1 } }).rules).toEqual({ min: 1, max: null, integer: false });
  });
  it.each([
    [{ name: "LoyaltyTier" }, "name", /lowercase/],
    [{ name: "email" }, "name", /OpenID Connect or JWT claim/],
    [{ name: "sub" }, "name", /OpenID Connect or JWT claim/],
    [{ label: "" }, "label", /Enter a label/],
    [{ type: "color" }, "type", /Choose a type/],
    [{ rules: { values: [] } }, "values", /at least one/],
    [{ rules: { values: ["a", "a"] } }, "values", /once/],
    [{ type: "string", rules: { pattern: "(?=a)a+" } }, "pattern", /Lookahead and lookbehind are not supported/],
    [{ type: "string", rules: { pattern: "(a)\\1" } }, "pattern", /Back-references are not supported/],
    [{ type: "string", rules: { minLength: 5, maxLength: 2 } }, "maxLength", /below the minimum/],
    [{ type: "number", rules: { min: 5, max: 2 } }, "max", /below the minimum/],
    [{ type: "date", rules: { min: "2020-02-30" } }, "min", /date like/],
    [{ type: "number", rules: { values: ["x"] } }, "rules", /./],
    [{ appReadScope: "admin" }, "appReadScope", /Choose a scope/],
    [{ required: true, customerAccess: "read" }, "required", /could never be completed/],
  ])("refuses %j", (over, field, message) => {
    const e = errors(over);
    expect(Object.keys(e).length).toBeGreaterThan(0);
    expect(e[field] ?? Object.values(e)[0]).toMatch(message);
  });
});

describe("claim mappings", () => {
  const row = (attribute: string, claim: string, targets: string[] = ["id_token", "userinfo"]) => ({ attribute, claim, targets });

  it("takes the posted rows (mappings.<i>.attribute|claim|targets) and skips a row left empty", () => {
    const form = new FormData();
    for (const [k, v] of [
      ["mappings.0.attribute", "loyalty_tier"],
      ["mappings.0.claim", "https://example.com/tier"],
      ["mappings.0.targets", "id_token"],
      ["mappings.0.targets", "userinfo"],
      ["mappings.1.attribute", ""],
      ["mappings.1.claim", ""],
      ["mappings.2.attribute", "shoe_size"],
      ["mappings.2.claim", "shoe"],
      ["mappings.2.targets", "access_token"],
    ]) form.append(k!, v!);
    const rows = claimMappingRowsFromForm(form);
    expect(rows).toEqual([row("loyalty_tier", "https://example.com/tier"), row("", "", []), row("shoe_size", "shoe", ["access_token"])]);
    expect(claimMappingsFromRows(rows)).toEqual({
      ok: true,
      mappings: [
        { attribute: "loyalty_tier", claim: "https://example.com/tier", targets: ["id_token", "userinfo"] },
        { attribute: "shoe_size", claim: "shoe", targets: ["access_token"] },
      ],
    });
    expect(claimMappingRowsFromEcho(claimMappingEcho(rows))).toEqual(rows);
  });
  it("reads a row whose attribute select posted nothing (no option chosen), so later rows are never dropped", () => {
    const form = new FormData();
    form.append("mappings.0.claim", "tier");
    form.append("mappings.0.targets", "id_token");
    form.append("mappings.1.attribute", "shoe_size");
    form.append("mappings.1.claim", "shoe");
    form.append("mappings.1.targets", "userinfo");
    const rows = claimMappingRowsFromForm(form);
    expect(rows).toEqual([row("", "tier", ["id_token"]), row("shoe_size", "shoe", ["userinfo"])]);
    expect(claimMappingsFromRows(rows)).toMatchObject({ ok: false, fieldErrors: { "mappings.0.attribute": expect.any(String) } });
  });
  it.each(["sub", "iss", "aud", "exp", "iat", "nonce", "acr", "amr", "azp", "auth_time", "at_hash", "sid", "email", "name", "address", "phone_number_verified"])(
    "refuses the registered claim %s on its row",
    (claim) => {
      const r = claimMappingsFromRows([row("", ""), row("loyalty_tier", claim)]);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.fieldErrors["mappings.1.claim"]).toMatch(/registered/);
    },
  );
  it("refuses a claim mapped twice, no target, a bad target and a bad claim name, each on its row's field", () => {
    expect(claimMappingsFromRows([row("a", "tier"), row("b", "tier")])).toEqual({ ok: false, fieldErrors: { "mappings.1.claim": "The claim tier is mapped twice." } });
    expect(claimMappingsFromRows([row("a", "tier", [])])).toMatchObject({ ok: false, fieldErrors: { "mappings.0.targets": expect.stringMatching(/Choose where/) } });
    expect(claimMappingsFromRows([row("a", "tier", ["cookie"])])).toMatchObject({ ok: false, fieldErrors: { "mappings.0.targets": expect.any(String) } });
    expect(claimMappingsFromRows([row("a", "http://example.com/tier")])).toMatchObject({ ok: false, fieldErrors: { "mappings.0.claim": expect.stringMatching(/https/) } });
    expect(claimMappingsFromRows([row("", "tier")])).toMatchObject({ ok: false, fieldErrors: { "mappings.0.attribute": expect.any(String) } });
  });
  it("the browser's check gives the same problems on the same paths (react-hook-form's nested errors)", () => {
    const r = claimMappingFormSchema.safeParse({ mappings: [row("a", "tier"), row("b", "sub")] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([[["mappings", 1, "claim"], expect.stringMatching(/registered/)]]);
    expect(claimMappingFormSchema.safeParse({ mappings: [row("a", "tier"), row("", "")] }).success).toBe(true);
  });

  it("releases a mapped attribute only for its target, under its read scope, when it holds a value", () => {
    const user = { attributes: { loyalty_tier: "gold", shoe_size: 42, empty: "" }, attributeScopes: { loyalty_tier: "profile", shoe_size: "email", empty: "profile" } };
    const mappings = [
      { attribute: "loyalty_tier", claim: "tier", targets: ["id_token", "userinfo"] as const },
      { attribute: "shoe_size", claim: "shoe", targets: ["access_token"] as const },
      { attribute: "empty", claim: "e", targets: ["id_token"] as const },
      { attribute: "unscoped", claim: "u", targets: ["id_token"] as const },
    ].map((m) => ({ ...m, targets: [...m.targets] }));
    expect(mappedClaims(user, ["openid", "profile"], mappings, "id_token")).toEqual({ tier: "gold" });
    expect(mappedClaims(user, ["openid"], mappings, "id_token")).toEqual({});
    expect(mappedClaims(user, ["openid", "profile", "email"], mappings, "access_token")).toEqual({ shoe: 42 });
    expect(mappedClaims(user, ["openid", "profile"], mappings, "access_token")).toEqual({});
    // A reserved name that reached storage some other way is still never released.
    expect(mappedClaims(user, ["profile"], [{ attribute: "loyalty_tier", claim: "sub", targets: ["id_token"] }], "id_token")).toEqual({});
  });
});

describe("the attribute definition form", () => {
  const values = (over: Partial<AttributeFormValues> = {}): AttributeFormValues => ({
    name: "member_since",
    label: "Member since",
    type: "date",
    required: false,
    customerAccess: "read",
    appReadScope: "profile",
    minLength: "3",
    maxLength: "",
    pattern: "",
    min: "",
    max: "",
    integer: false,
    minDate: "2000-01-01",
    maxDate: "2030-12-31",
    values: "",
    ...over,
  });
  it("the browser's check reads only the chosen type's rules and gives the definition the server stores", () => {
    const r = attributeFormSchema.safeParse(values());
    expect(r.success && r.data).toMatchObject({ name: "member_since", type: "date", rules: { min: "2000-01-01", max: "2030-12-31" } });
  });
  it("puts a date bound's problem on the date field, a number's on the number field, as the server does", () => {
    const dateIssue = attributeFormSchema.safeParse(values({ minDate: "2031-01-01" }));
    expect(dateIssue.error?.issues.map((i) => i.path[0])).toEqual(["maxDate"]);
    const numberIssue = attributeFormSchema.safeParse(values({ type: "number", min: "5", max: "2" }));
    expect(numberIssue.error?.issues.map((i) => i.path[0])).toEqual(["max"]);
    const required = attributeFormSchema.safeParse(values({ required: true }));
    expect(required.error?.issues.map((i) => [i.path[0], i.message])).toEqual([["required", expect.stringMatching(/could never be completed/)]]);
  });
  it("the posted form (boxes \"on\") is the same definition as the browser's values", () => {
    const form = new FormData();
    for (const [k, v] of Object.entries(values({ type: "number", min: "1", max: "9" }))) if (typeof v === "string") form.set(k, v);
    form.set("integer", "on");
    expect(attributeDefinitionFromForm(form)).toEqual({
      name: "member_since",
      label: "Member since",
      type: "number",
      required: false,
      rules: { min: 1, max: 9, integer: true },
      customerAccess: "read",
      appReadScope: "profile",
    });
  });
});
