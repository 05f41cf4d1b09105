// Custom profile attributes: what an administrator defines (name, type, rules, who reads and writes
// it) and the ONE zod schema built from those definitions that every write of values parses (the
// portal today; the console, APIs and provisioning later), so a value is checked by the same rules
// wherever it is written. No server-only imports. The console's forms import it (their checks are the
// server's); the customer's pages import attribute-fields.schema.ts instead: this module carries the
// RE2 engine and the phone number metadata.
import { z } from "zod";
import { RE2JS, RE2JSSyntaxException } from "re2js";
import { emailSchema } from "@/lib/users/users.schema";
import { checkPhoneNumber } from "@/lib/sms/sms.schema";

import { ATTRIBUTE_READ_SCOPES, ATTRIBUTE_TYPES, CUSTOMER_ACCESS, ENUM_MAX_VALUES, LABEL_MAX_LENGTH, PATTERN_MAX_LENGTH, STRING_VALUE_MAX_LENGTH, attributeField, type AttributeType, type CustomerAccess } from "./attribute-fields.schema";
export * from "./attribute-fields.schema";

/**
 * Names an attribute or a mapped claim may not take: the JWT registered claims (RFC 7519 §4.1), the
 * ones OIDC Core gives a meaning in ID tokens (§2) and the standard claims (§5.1), and those Portico
 * itself puts in tokens (RFC 9068 §2.2, RFC 8693 §4).
 */
export const RESERVED_CLAIM_NAMES: ReadonlySet<string> = new Set([
  "iss", "sub", "aud", "exp", "nbf", "iat", "jti",
  "nonce", "acr", "amr", "azp", "auth_time", "at_hash", "c_hash", "s_hash", "sid",
  "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website",
  "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number", "phone_number_verified", "address", "updated_at",
  "client_id", "scope", "gty", "cnf", "act", "may_act", "roles", "groups", "entitlements", "events", "sub_jwk", "_claim_names", "_claim_sources",
]);

export const ATTRIBUTE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

// ---- Definitions --------------------------------------------------------------------------------

/**
 * A pattern an administrator typed, compiled with RE2 (re2js, a JavaScript port): matching takes time
 * linear in the value whatever the pattern, so no pattern can make a customer's input hang the server
 * (a backtracking engine such as RegExp takes exponential time on `((a)+)+` against "aaaa…!").
 * RE2 has no lookaround and no back-references, the features that need backtracking: a pattern
 * using them is refused when it is defined. The whole value must match (`testExact`).
 */
export function compilePattern(pattern: string): { ok: true; regex: RE2JS } | { ok: false; message: string } {
  if (pattern.length > PATTERN_MAX_LENGTH) return { ok: false, message: `Use at most ${PATTERN_MAX_LENGTH} characters.` };
  const cached = compiledPatterns.get(pattern);
  if (cached) return { ok: true, regex: cached };
  try {
    const regex = RE2JS.compile(pattern);
    if (compiledPatterns.size >= 200) compiledPatterns.clear();
    compiledPatterns.set(pattern, regex);
    return { ok: true, regex };
  } catch (e) {
    // What JavaScript accepts and RE2 does not, named plainly; anything else in RE2's own words.
    if (/\(\?<?[=!]/.test(pattern)) {
      return { ok: false, message: "Lookahead and lookbehind are not supported: patterns are matched by a linear-time engine (RE2)." };
    }
    if (/\\(?:[1-9]|k<)/.test(pattern)) {
      return { ok: false, message: "Back-references are not supported: patterns are matched by a linear-time engine (RE2)." };
    }
    const detail = e instanceof RE2JSSyntaxException ? `: ${e.getDescription()}` : "";
    return { ok: false, message: `This is not a valid regular expression${detail}.` };
  }
}
const compiledPatterns = new Map<string, RE2JS>();

/**
 * Why a stored definition's pattern cannot be used, or null. A pattern saved before patterns were
 * matched by RE2 may use lookaround or back-references: every value is then refused until an
 * administrator edits it, so the console names it.
 */
export function storedPatternProblem(rules: AttributeRules): string | null {
  if (!rules.pattern) return null;
  const compiled = compilePattern(rules.pattern);
  return compiled.ok ? null : compiled.message;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export function isCalendarDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const optionalInt = z.number().int().min(0).max(STRING_VALUE_MAX_LENGTH).nullable().default(null);
const optionalNumber = z.number().finite().nullable().default(null);
const optionalDate = z.string().refine(isCalendarDate, "Enter a date like 2026-01-31.").nullable().default(null);

/** The rules each type accepts (other keys are refused). */
export const attributeRulesSchemas = {
  string: z.object({ minLength: optionalInt, maxLength: optionalInt, pattern: z.string().nullable().default(null) }).strict(),
  number: z.object({ min: optionalNumber, max: optionalNumber, integer: z.boolean().default(false) }).strict(),
  date: z.object({ min: optionalDate, max: optionalDate }).strict(),
  enum: z.object({ values: z.array(z.string().trim().min(1).max(100)).min(1, "List at least one allowed value.").max(ENUM_MAX_VALUES) }).strict(),
  boolean: z.object({}).strict(),
  email: z.object({}).strict(),
  phone: z.object({}).strict(),
  url: z.object({}).strict(),
} as const satisfies Record<AttributeType, z.ZodType>;

export interface AttributeRules {
  minLength?: number | null;
  maxLength?: number | null;
  pattern?: string | null;
  min?: number | string | null;
  max?: number | string | null;
  integer?: boolean;
  values?: string[];
}

export interface AttributeDefinition {
  name: string;
  label: string;
  type: AttributeType;
  required: boolean;
  rules: AttributeRules;
  customerAccess: CustomerAccess;
  appReadScope: string | null;
}

/** What a definition write carries (the name is fixed once created: values are stored under it). */
export const attributeDefinitionSchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(ATTRIBUTE_NAME, "Use lowercase letters, digits and underscores, starting with a letter (at most 64).")
      .refine((n) => !RESERVED_CLAIM_NAMES.has(n), "This name is an OpenID Connect or JWT claim: choose another."),
    label: z.string().trim().min(1, "Enter a label.").max(LABEL_MAX_LENGTH, `Use at most ${LABEL_MAX_LENGTH} characters.`),
    type: z.enum(ATTRIBUTE_TYPES, { error: "Choose a type." }),
    required: z.boolean(),
    rules: z.record(z.string(), z.unknown()),
    customerAccess: z.enum(CUSTOMER_ACCESS, { error: "Choose who may see it in the portal." }),
    appReadScope: z.enum(ATTRIBUTE_READ_SCOPES, { error: "Choose a scope." }).nullable(),
  })
  .transform((d, ctx) => {
    const parsed = attributeRulesSchemas[d.type].safeParse(d.rules);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: [String(issue.path[0] ?? "rules")], message: issue.message });
      return z.NEVER;
    }
    const rules = parsed.data as AttributeRules;
    const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (rules.minLength != null && rules.maxLength != null && rules.minLength > rules.maxLength) problem("maxLength", "The maximum is below the minimum.");
    if (typeof rules.min === "number" && typeof rules.max === "number" && rules.min > rules.max) problem("max", "The maximum is below the minimum.");
    if (typeof rules.min === "string" && typeof rules.max === "string" && rules.min > rules.max) problem("max", "The latest date is before the earliest.");
    if (rules.pattern) {
      const compiled = compilePattern(rules.pattern);
      if (!compiled.ok) problem("pattern", compiled.message);
    }
    if (rules.values && new Set(rules.values).size !== rules.values.length) problem("values", "Each allowed value once.");
    if (d.required && d.customerAccess === "read") problem("required", "A required attribute the customer cannot write could never be completed by them: make it writable, or optional.");
    return { ...d, rules } as AttributeDefinition;
  });

export type AttributeDefinitionInput = z.input<typeof attributeDefinitionSchema>;

/** The console's definition form as the browser holds it: one text field per rule (empty for none), the boxes as booleans. */
export type AttributeFormValues = {
  name: string;
  label: string;
  type: string;
  required: boolean;
  customerAccess: string;
  appReadScope: string;
  minLength: string;
  maxLength: string;
  pattern: string;
  min: string;
  max: string;
  integer: boolean;
  minDate: string;
  maxDate: string;
  values: string;
};

/** The form's values as a definition for attributeDefinitionSchema: only the chosen type's rules. */
export function attributeDefinitionFromValues(v: AttributeFormValues): Record<string, unknown> {
  const num = (s: string) => (s.trim() === "" ? null : Number(s));
  const type = v.type.trim() as AttributeType;
  const rules: Record<string, unknown> = {};
  if (type === "string") Object.assign(rules, { minLength: num(v.minLength), maxLength: num(v.maxLength), pattern: v.pattern.trim() || null });
  if (type === "number") Object.assign(rules, { min: num(v.min), max: num(v.max), integer: v.integer });
  if (type === "date") Object.assign(rules, { min: v.minDate.trim() || null, max: v.maxDate.trim() || null });
  if (type === "enum") Object.assign(rules, { values: v.values.split(/\r?\n/).map((x) => x.trim()).filter(Boolean) });
  return { name: v.name.trim(), label: v.label.trim(), type, required: v.required, rules, customerAccess: v.customerAccess.trim(), appReadScope: v.appReadScope.trim() || null };
}

/** The posted form: the same fields, checkboxes "on" when ticked. */
export function attributeDefinitionFromForm(form: FormData): Record<string, unknown> {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : "";
  };
  const values = Object.fromEntries(ATTRIBUTE_FORM_FIELDS.map((k) => [k, text(k)])) as Record<(typeof ATTRIBUTE_FORM_FIELDS)[number], string>;
  return attributeDefinitionFromValues({ ...values, required: form.get("required") === "on", integer: form.get("integer") === "on" });
}

/** The form field a definition's issue belongs to: the form names the date bounds minDate and maxDate (min and max are the number's). */
export function attributeFormField(type: unknown, key: string): string {
  return type === "date" && (key === "min" || key === "max") ? `${key}Date` : key;
}

const formText = z.string().max(2000);

/** The browser's check of the definition form: its values, made a definition, must pass attributeDefinitionSchema; issues land on the form's fields. */
export const attributeFormSchema = z
  .object({
    name: formText,
    label: formText,
    type: formText,
    required: z.boolean(),
    customerAccess: formText,
    appReadScope: formText,
    minLength: formText,
    maxLength: formText,
    pattern: formText,
    min: formText,
    max: formText,
    integer: z.boolean(),
    minDate: formText,
    maxDate: formText,
    values: formText,
  })
  .transform((v, ctx) => {
    const parsed = attributeDefinitionSchema.safeParse(attributeDefinitionFromValues(v));
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: [attributeFormField(v.type, String(issue.path[0] ?? "rules"))], message: issue.message });
    return z.NEVER;
  });

export const ATTRIBUTE_FORM_FIELDS = ["name", "label", "type", "required", "customerAccess", "appReadScope", "minLength", "maxLength", "pattern", "min", "max", "integer", "minDate", "maxDate", "values"] as const;

// ---- Values -------------------------------------------------------------------------------------

export type AttributeValue = string | number | boolean;
export type Writer = "customer" | "admin";

/** Which definitions a writer may write: the customer those marked writable in the portal; an administrator all. */
export function writableBy(definitions: readonly AttributeDefinition[], writer: Writer): AttributeDefinition[] {
  return definitions.filter((d) => writer === "admin" || d.customerAccess === "write");
}

const UNSAFE_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** One value's parser: from a form (strings; "" clears) or from JSON (typed; null clears). */
function valueSchema(d: AttributeDefinition, source: "form" | "json"): z.ZodType<AttributeValue | null> {
  const r = d.rules;
  // Left out of a whole write (not partial) counts as empty.
  const empty = (v: unknown) => v === null || v === undefined || (typeof v === "string" && v.trim() === "");
  return z.unknown().transform((raw, ctx): AttributeValue | null => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    // A boolean too: a form asks yes / no / not answered (a select), so "not answered" never reads as "no".
    if (empty(raw)) return d.required ? fail(`${d.label} is required.`) : null;
    switch (d.type) {
      case "boolean": {
        if (typeof raw === "boolean") return raw;
        if (source === "form" && (raw === "on" || raw === "true")) return true;
        if (source === "form" && raw === "false") return false;
        return fail("Choose yes or no.");
      }
      case "number": {
        const n = typeof raw === "number" ? raw : source === "form" && typeof raw === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
        if (!Number.isFinite(n)) return fail("Enter a number.");
        if (r.integer && !Number.isInteger(n)) return fail("Enter a whole number.");
        if (typeof r.min === "number" && n < r.min) return fail(`Enter ${r.min} or more.`);
        if (typeof r.max === "number" && n > r.max) return fail(`Enter ${r.max} or less.`);
        return n;
      }
      default: {
        if (typeof raw !== "string") return fail("Enter text.");
        const v = raw.trim().normalize("NFC");
        if (v.length > STRING_VALUE_MAX_LENGTH) return fail(`Use at most ${STRING_VALUE_MAX_LENGTH} characters.`);
        if (UNSAFE_CHARS.test(v)) return fail("Remove invisible or control characters.");
        if (d.type === "string") {
          if (r.minLength != null && v.length < r.minLength) return fail(`Use at least ${r.minLength} characters.`);
          if (r.maxLength != null && v.length > r.maxLength) return fail(`Use at most ${r.maxLength} characters.`);
          if (r.pattern) {
            const compiled = compilePattern(r.pattern);
            if (!compiled.ok || !compiled.regex.testExact(v)) return fail(`This is not a valid ${d.label.toLowerCase()}.`);
          }
          return v;
        }
        if (d.type === "enum") return (r.values ?? []).includes(v) ? v : fail(`Choose one of: ${(r.values ?? []).join(", ")}.`);
        if (d.type === "date") {
          if (!isCalendarDate(v)) return fail("Enter a date like 2026-01-31.");
          if (typeof r.min === "string" && v < r.min) return fail(`Enter ${r.min} or later.`);
          if (typeof r.max === "string" && v > r.max) return fail(`Enter ${r.max} or earlier.`);
          return v;
        }
        if (d.type === "email") {
          const e = emailSchema.safeParse(v);
          return e.success ? e.data : fail("Enter an email address like name@example.com.");
        }
        if (d.type === "phone") {
          const check = checkPhoneNumber(v, { mobileOnly: false });
          return check.ok ? check.e164 : fail(check.message);
        }
        // url
        try {
          const url = new URL(v);
          if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) return fail("Enter a web address starting with https:// (no user name or password).");
          return url.href;
        } catch {
          return fail("Enter the full web address, starting with https://.");
        }
      }
    }
  });
}


/**
 * THE schema for writing custom attribute values, built from the definitions: an object of the
 * attributes `writer` may write, each parsed by its type and rules; a key that is not one of them is
 * refused (unknown, or not the writer's to change). `partial`: keys left out stay unchanged (APIs);
 * otherwise every writable attribute is expected (a form posts them all) and a required one must
 * have a value. Output: name -> value, null to clear.
 */
export function attributeSchema(
  definitions: readonly AttributeDefinition[],
  { writer, source = "json", partial = false }: { writer: Writer; source?: "form" | "json"; partial?: boolean },
): z.ZodType<Record<string, AttributeValue | null>> {
  const writable = writableBy(definitions, writer);
  const shape = Object.fromEntries(writable.map((d) => [d.name, partial ? valueSchema(d, source).optional() : valueSchema(d, source)]));
  return z.record(z.string(), z.unknown()).transform((input, ctx) => {
    const out: Record<string, AttributeValue | null> = {};
    for (const key of Object.keys(input)) {
      if (!(key in shape)) {
        const known = definitions.some((d) => d.name === key);
        ctx.addIssue({ code: "custom", path: [key], message: known ? "This attribute cannot be changed here." : "There is no such attribute." });
      }
    }
    for (const [name, schema] of Object.entries(shape)) {
      if (partial && !(name in input)) continue;
      const parsed = schema.safeParse(input[name]);
      if (parsed.success) {
        if (parsed.data !== undefined) out[name] = parsed.data;
      } else {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: [name], message: issue.message });
      }
    }
    return out;
  });
}

/** The attributes a form posted, by name (the `attr.` prefix removed); checkboxes absent when unticked. */
export function attributeInputFromForm(form: FormData, definitions: readonly AttributeDefinition[], writer: Writer): Record<string, string> {
  return Object.fromEntries(
    writableBy(definitions, writer).map((d) => {
      const v = form.get(attributeField(d.name));
      return [d.name, typeof v === "string" ? v : ""];
    }),
  );
}

/** A stored value as a form shows it. */
export function formValueOf(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

// ---- Claim mappings (per application) -----------------------------------------------------------

export const CLAIM_TARGETS = ["id_token", "userinfo", "access_token"] as const;
export type ClaimTarget = (typeof CLAIM_TARGETS)[number];
export const MAX_CLAIM_MAPPINGS = 50;

/** An attribute released to one application under a claim name, in the tokens and answers named. */
export interface ClaimMapping {
  attribute: string;
  claim: string;
  targets: ClaimTarget[];
}

/** A claim name: a short name, or a collision-resistant URI (RFC 7519 §4.2, §4.3). */
const CLAIM_NAME = /^(?:[A-Za-z][A-Za-z0-9_.-]{0,63}|https:\/\/[\x21-\x7e]{1,200})$/;

export const claimMappingSchema = z
  .object({
    attribute: z.string().regex(ATTRIBUTE_NAME, "Name an attribute by its identifier."),
    claim: z
      .string()
      .regex(CLAIM_NAME, "Use a short claim name (letters, digits, _ . -) or an https:// URI.")
      .refine((c) => !RESERVED_CLAIM_NAMES.has(c), "This claim is registered (JWT or OpenID Connect): Portico sets it itself."),
    targets: z.array(z.enum(CLAIM_TARGETS, { error: "Choose the ID token, UserInfo or the access token." })).min(1, "Choose where the claim goes.").max(3),
  })
  .strict();

export const claimMappingsSchema = z
  .array(claimMappingSchema)
  .max(MAX_CLAIM_MAPPINGS, `At most ${MAX_CLAIM_MAPPINGS} mappings.`)
  .superRefine((mappings, ctx) => {
    const claims = new Set<string>();
    for (const [i, m] of mappings.entries()) {
      if (claims.has(m.claim)) ctx.addIssue({ code: "custom", path: [i, "claim"], message: `The claim ${m.claim} is mapped twice.` });
      claims.add(m.claim);
    }
  });

/** The console's mapping rows (react-hook-form's field array); a row left wholly empty is no mapping. */
export type ClaimMappingRow = { attribute: string; claim: string; targets: string[] };

export const MAPPING_FIELD_PREFIX = "mappings";

/**
 * The rows as mappings, or the problems by field (`mappings.<i>.attribute|claim|targets`, the row's
 * own index, so the message lands on the row at fault). A row left wholly empty is skipped.
 */
export function claimMappingsFromRows(rows: readonly ClaimMappingRow[]): { ok: true; mappings: ClaimMapping[] } | { ok: false; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const mappings: ClaimMapping[] = [];
  const claims = new Set<string>();
  if (rows.length > MAX_CLAIM_MAPPINGS) return { ok: false, fieldErrors: { [MAPPING_FIELD_PREFIX]: `At most ${MAX_CLAIM_MAPPINGS} mappings.` } };
  for (const [i, row] of rows.entries()) {
    const attribute = row.attribute.trim();
    const claim = row.claim.trim();
    if (attribute === "" && claim === "") continue;
    const parsed = claimMappingSchema.safeParse({ attribute, claim, targets: row.targets });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) fieldErrors[`${MAPPING_FIELD_PREFIX}.${i}.${String(issue.path[0] ?? "claim")}`] ??= issue.message;
      continue;
    }
    if (claims.has(claim)) fieldErrors[`${MAPPING_FIELD_PREFIX}.${i}.claim`] = `The claim ${claim} is mapped twice.`;
    claims.add(claim);
    mappings.push(parsed.data);
  }
  return Object.keys(fieldErrors).length ? { ok: false, fieldErrors } : { ok: true, mappings };
}

/** The posted rows (fields `mappings.<i>.attribute|claim|targets`, as react-hook-form names them). */
export function claimMappingRowsFromForm(form: { get(name: string): FormDataEntryValue | null; getAll(name: string): FormDataEntryValue[] }): ClaimMappingRow[] {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const rows: ClaimMappingRow[] = [];
  // A row is there when its claim field is (a text input is always posted; a <select> with no option chosen is not).
  for (let i = 0; i < MAX_CLAIM_MAPPINGS + 1 && form.get(`${MAPPING_FIELD_PREFIX}.${i}.claim`) !== null; i++) {
    const targets = form.getAll(`${MAPPING_FIELD_PREFIX}.${i}.targets`).filter((t): t is string => typeof t === "string").slice(0, 3);
    rows.push({ attribute: text(`${MAPPING_FIELD_PREFIX}.${i}.attribute`), claim: text(`${MAPPING_FIELD_PREFIX}.${i}.claim`), targets });
  }
  return rows;
}

/** A refused form's rows as the action echoes them (strings only: the targets space-separated), and back. */
export function claimMappingEcho(rows: readonly ClaimMappingRow[]): Record<string, string> {
  return Object.fromEntries(
    rows.flatMap((r, i) => [
      [`${MAPPING_FIELD_PREFIX}.${i}.attribute`, r.attribute.slice(0, 200)],
      [`${MAPPING_FIELD_PREFIX}.${i}.claim`, r.claim.slice(0, 300)],
      [`${MAPPING_FIELD_PREFIX}.${i}.targets`, r.targets.join(" ")],
    ]),
  );
}

export function claimMappingRowsFromEcho(echo: Record<string, string>): ClaimMappingRow[] {
  const rows: ClaimMappingRow[] = [];
  for (let i = 0; i <= MAX_CLAIM_MAPPINGS && echo[`${MAPPING_FIELD_PREFIX}.${i}.attribute`] !== undefined; i++) {
    const targets = echo[`${MAPPING_FIELD_PREFIX}.${i}.targets`] ?? "";
    rows.push({ attribute: echo[`${MAPPING_FIELD_PREFIX}.${i}.attribute`] ?? "", claim: echo[`${MAPPING_FIELD_PREFIX}.${i}.claim`] ?? "", targets: targets ? targets.split(" ") : [] });
  }
  return rows;
}

/** The browser's check of the mapping form: the server's rule (claimMappingsFromRows), its problems on the rows' fields. */
export const claimMappingFormSchema = z
  .object({ mappings: z.array(z.object({ attribute: formText, claim: formText, targets: z.array(formText).max(3) })) })
  .superRefine((v, ctx) => {
    const checked = claimMappingsFromRows(v.mappings);
    if (!checked.ok) for (const [field, message] of Object.entries(checked.fieldErrors)) ctx.addIssue({ code: "custom", path: field.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k)), message });
  });
