// From what an upstream sent (ID token and UserInfo claims, or an OAuth profile) to Portico's
// profile fields, by the connection's claim mapping. Pure: the callback's last step, unit-tested.
import type { ClaimMapping, Protocol } from "../connection.schema";

/** OpenID Connect's standard claims by their own names (Core §5.1). */
const OIDC_DEFAULT_MAPPING: Readonly<Record<string, string>> = {
  subject: "sub",
  email: "email",
  email_verified: "email_verified",
  name: "name",
  given_name: "given_name",
  family_name: "family_name",
  picture: "picture",
  locale: "locale",
  phone_number: "phone_number",
};

/** A plain OAuth 2.0 profile has no standard: GitHub's (and most providers') names. */
const OAUTH2_DEFAULT_MAPPING: Readonly<Record<string, string>> = { subject: "id", email: "email", name: "name" };

/** SAML: the NameID, and the attributes under the names lib/federation/upstream/saml.ts gathers them by. */
const SAML_DEFAULT_MAPPING: Readonly<Record<string, string>> = { subject: "nameID", email: "email", name: "name", given_name: "given_name", family_name: "family_name" };

const DEFAULT_MAPPING: Record<Protocol, Readonly<Record<string, string>>> = { oidc: OIDC_DEFAULT_MAPPING, oauth2: OAUTH2_DEFAULT_MAPPING, saml: SAML_DEFAULT_MAPPING };

const PROFILE_STRING_FIELDS = new Set(["name", "given_name", "family_name", "picture", "locale", "phone_number"]);

export const MAX_CLAIM_CHARS = 1000;

export interface MappedClaims {
  subject: string | null;
  /** Lower-cased; null when absent or not an address. */
  email: string | null;
  /** Only an explicit `true` (or "true", as some providers send it) from the upstream. */
  emailVerified: boolean;
  /** name, given_name, family_name, picture, locale, phone_number and `attr.<name>` values. */
  profile: Record<string, string | boolean>;
}

/**
 * The value at a claim name or dotted path (`picture.data.url`). A name that is itself a key wins
 * (namespaced claims hold dots: `https://example.com/roles`); own properties only.
 */
export function claimAt(claims: unknown, path: string): unknown {
  if (!isObject(claims)) return undefined;
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (!isObject(value) || !Object.hasOwn(value, part)) return undefined;
    value = value[part];
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stringValue(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  return s && s.length <= MAX_CLAIM_CHARS ? s : undefined;
}

/** The subject may be a number in an OAuth profile (GitHub's `id`): kept as its decimal string. */
function subjectValue(v: unknown): string | null {
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  const s = stringValue(v);
  return s && s.length <= 255 ? s : null;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

/** A trimmed, lower-cased address, or null when it is not one. */
export function emailValue(v: unknown): string | null {
  const s = stringValue(v)?.toLowerCase();
  return s && s.length <= 254 && EMAIL.test(s) ? s : null;
}

/**
 * Maps claims to the profile: the protocol's defaults, overridden field by field by the
 * connection's mapping. Values are strings (trimmed, at most 1000 characters) or, for custom
 * attributes, booleans; anything else is dropped.
 */
export function mapUpstreamClaims(claims: Record<string, unknown>, mapping: ClaimMapping, protocol: Protocol): MappedClaims {
  const effective: Record<string, string> = { ...DEFAULT_MAPPING[protocol], ...mapping };
  const at = (field: string) => (effective[field] === undefined ? undefined : claimAt(claims, effective[field]));

  const verified = at("email_verified");
  const profile: Record<string, string | boolean> = {};
  for (const [field, path] of Object.entries(effective)) {
    const value = claimAt(claims, path);
    if (PROFILE_STRING_FIELDS.has(field)) {
      const s = stringValue(value);
      if (s !== undefined) profile[field] = s;
    } else if (field.startsWith("attr.")) {
      const v = typeof value === "boolean" ? value : stringValue(value);
      if (v !== undefined) profile[field] = v;
    }
  }
  return {
    subject: subjectValue(at("subject")),
    email: emailValue(at("email")),
    emailVerified: verified === true || verified === "true",
    profile,
  };
}
