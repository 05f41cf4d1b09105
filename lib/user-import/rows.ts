// One import record checked into what to write, or the reason it is rejected. The same schemas as
// every other write path: the email's (lib/users), the profile's standard claims and the custom
// attributes' (lib/profile, built from the definitions), the imported hash's ceilings (lib/credentials).
import "server-only";
import { parsePasswordHash } from "@/lib/credentials";
import { emailSchema } from "@/lib/users/users.schema";
import { profileUpdateSchema, type ProfileUpdate } from "@/lib/profile/profile.schema";
import { attributeSchema, type AttributeDefinition, type AttributeValue } from "@/lib/profile/attributes.schema";
import type { ImportRecord } from "./parse";

/** OpenID Connect Core §5.1 claim names (and §5.1.1 address members) → the profile's fields. */
export const CLAIM_FIELDS = {
  name: "displayName",
  given_name: "givenName",
  family_name: "familyName",
  middle_name: "middleName",
  nickname: "nickname",
  picture: "pictureUrl",
  website: "websiteUrl",
  gender: "gender",
  birthdate: "birthdate",
  zoneinfo: "zoneinfo",
  locale: "locale",
  phone_number: "phoneNumber",
  street_address: "streetAddress",
  locality: "locality",
  region: "region",
  postal_code: "postalCode",
  country: "country",
} as const satisfies Record<string, keyof ProfileUpdate>;
const CLAIM_OF = Object.fromEntries(Object.entries(CLAIM_FIELDS).map(([claim, field]) => [field, claim])) as Record<string, string>;

/** A custom attribute's column (CSV) or key (JSON, besides an "attributes" object). */
export const ATTRIBUTE_PREFIX = "attr.";

export interface ImportedUser {
  row: number;
  email: string;
  /** undefined: not given (an update leaves it). */
  emailVerified?: boolean;
  profile: ProfileUpdate;
  attributes: Record<string, AttributeValue>;
  passwordHash?: string;
}

export type CheckedRow = { ok: true; user: ImportedUser } | { ok: false; row: number; email: string; reason: string };

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);

function booleanOf(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && TRUE.has(v.trim().toLowerCase())) return true;
  if (typeof v === "string" && FALSE.has(v.trim().toLowerCase())) return false;
  return null;
}

/** A CSV header's problem (a column no row could use), or null. */
export function columnsProblem(columns: readonly string[]): string | null {
  if (!columns.includes("email")) return "The header row has no email column.";
  if (columns.includes("roles") || columns.includes("role")) return "Roles cannot be imported: remove the roles column and grant them in the console.";
  const unknown = columns.filter((c) => !["email", "email_verified", "password_hash"].includes(c) && !(c in CLAIM_FIELDS) && !c.startsWith(ATTRIBUTE_PREFIX));
  return unknown.length ? `Unknown columns: ${unknown.slice(0, 5).join(", ")}. Custom attributes are columns named ${ATTRIBUTE_PREFIX}<name>.` : null;
}

/** The email of a record, normalised, or null: what duplicates within the file are found by. */
export function emailOf(record: ImportRecord): string | null {
  const parsed = emailSchema.safeParse(record.fields.email);
  return parsed.success ? parsed.data : null;
}

/** Checks one record. `source`: CSV values are text (read as a form's); JSON values are typed. */
export function checkRecord(record: ImportRecord, definitions: readonly AttributeDefinition[], source: "form" | "json"): CheckedRow {
  const f = record.fields;
  const rawEmail = typeof f.email === "string" ? f.email.slice(0, 254) : "";
  const reject = (reason: string): CheckedRow => ({ ok: false, row: record.row, email: rawEmail, reason });
  if (typeof f.__error === "string") return reject(f.__error);

  const email = emailSchema.safeParse(f.email);
  if (!email.success) return reject(`email: ${email.error.issues[0]?.message ?? "invalid"}`);

  const profileInput: Record<string, unknown> = {};
  const attributeInput: Record<string, unknown> = {};
  let emailVerified: boolean | undefined;
  let passwordHash: string | undefined;
  for (const [key, value] of Object.entries(f)) {
    if (key === "email") continue;
    if (key === "email_verified") {
      const b = booleanOf(value);
      if (b === null) return reject("email_verified: use true or false.");
      emailVerified = b;
    } else if (key === "password_hash") {
      if (value === null || value === undefined) continue;
      if (typeof value !== "string") return reject("password_hash: not a string.");
      const parsed = parsePasswordHash(value.trim());
      if (!parsed.ok) return reject(`password_hash: ${parsed.reason}.`);
      passwordHash = value.trim();
    } else if (key === "roles" || key === "role") {
      return reject("roles cannot be imported: grant them in the console.");
    } else if (key in CLAIM_FIELDS) {
      profileInput[CLAIM_FIELDS[key as keyof typeof CLAIM_FIELDS]] = value;
    } else if (key === "address" && source === "json" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [member, v] of Object.entries(value as Record<string, unknown>)) {
        if (member === "formatted") continue; // derived from the members (lib/profile/claims.ts)
        if (!(member in CLAIM_FIELDS) || !["street_address", "locality", "region", "postal_code", "country"].includes(member)) return reject(`address.${member}: unknown address member.`);
        profileInput[CLAIM_FIELDS[member as keyof typeof CLAIM_FIELDS]] = v;
      }
    } else if (key === "attributes" && source === "json" && value && typeof value === "object" && !Array.isArray(value)) {
      Object.assign(attributeInput, value);
    } else if (key.startsWith(ATTRIBUTE_PREFIX)) {
      attributeInput[key.slice(ATTRIBUTE_PREFIX.length)] = value;
    } else {
      return reject(`${key}: unknown field.`);
    }
  }

  const profile = profileUpdateSchema.safeParse(profileInput);
  if (!profile.success) {
    const issue = profile.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    return reject(`${CLAIM_OF[field] ?? field}: ${issue.code === "invalid_type" ? "not text." : issue.message}`);
  }
  const attributes = attributeSchema(definitions, { writer: "admin", source, partial: true }).safeParse(attributeInput);
  if (!attributes.success) {
    const issue = attributes.error.issues[0]!;
    return reject(`attribute ${String(issue.path[0] ?? "")}: ${issue.message}`);
  }
  const values = Object.fromEntries(Object.entries(attributes.data).filter((e): e is [string, AttributeValue] => e[1] !== null));
  const given = Object.fromEntries(Object.entries(profile.data).filter(([, v]) => v !== undefined && v !== null)) as ProfileUpdate;
  return { ok: true, user: { row: record.row, email: email.data, emailVerified, profile: given, attributes: values, passwordHash } };
}
