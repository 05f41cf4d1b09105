// A user as a SCIM User (RFC 7643 §4.1, with the enterprise extension §4.3 and Portico's custom
// attributes as its own extension), and back. The attributes with a column of their own (the
// OpenID Connect profile's) are read from and written to it; the rest live in "scimAttributes"
// as the provisioning system sent them.
import { createHash } from "node:crypto";
import type { ScimUserRow, ScimUserWrite } from "./scim.repo";
import { invalidValue, mutability } from "./scim.errors";
import { isObject } from "./normalise";
import { ENTERPRISE_USER_SCHEMA as ENTERPRISE_USER, PORTICO_USER_SCHEMA as PORTICO_USER, USER_SCHEMA as CORE_USER } from "./schemas";


type Json = Record<string, unknown>;

/** Multi-valued and other attributes kept as sent (no column of their own). */
const KEPT_AS_SENT = ["title", "userType", "preferredLanguage", "emails", "phoneNumbers", "addresses", "ims", "photos", "entitlements", "roles", "x509Certificates"] as const;
const NAME_KEPT_AS_SENT = ["formatted", "honorificPrefix", "honorificSuffix"] as const;

const dropEmpty = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)));

/** RFC 7644 §3.14: a weak version of what the resource says, so any change changes it. */
export function versionOf(resource: Json): string {
  const { meta: _meta, ...rest } = resource;
  return `W/"${createHash("sha256").update(JSON.stringify(rest)).digest("base64url").slice(0, 22)}"`;
}

export function toScimUser(row: ScimUserRow, baseUrl: string): Json {
  const kept = isObject(row.scimAttributes) ? row.scimAttributes : {};
  const keptName = isObject(kept.name) ? kept.name : {};
  const name = dropEmpty({
    formatted: keptName.formatted,
    familyName: row.familyName,
    givenName: row.givenName,
    middleName: row.middleName,
    honorificPrefix: keptName.honorificPrefix,
    honorificSuffix: keptName.honorificSuffix,
  });
  // A customer who registered has no SCIM emails: their sign-in address is their one email.
  const emails = Array.isArray(kept.emails) ? kept.emails : row.email ? [{ value: row.email, primary: true }] : undefined;
  const enterprise = isObject(kept.enterprise) ? dropEmpty(kept.enterprise) : {};
  const custom = isObject(row.attributes) ? row.attributes : {};
  const schemas = [CORE_USER];
  if (Object.keys(enterprise).length) schemas.push(ENTERPRISE_USER);
  if (Object.keys(custom).length) schemas.push(PORTICO_USER);
  const resource: Json = dropEmpty({
    schemas,
    id: row.id,
    externalId: row.externalId,
    // A customer who registered has no userName of their own: they sign in with their address.
    userName: row.userName ?? row.email,
    name: Object.keys(name).length ? name : undefined,
    displayName: row.displayName,
    nickName: row.nickname,
    profileUrl: row.websiteUrl,
    title: kept.title,
    userType: kept.userType,
    preferredLanguage: kept.preferredLanguage,
    locale: row.locale,
    timezone: row.zoneinfo,
    active: row.disabledAt === null,
    emails,
    phoneNumbers: kept.phoneNumbers,
    addresses: kept.addresses,
    ims: kept.ims,
    photos: kept.photos,
    entitlements: kept.entitlements,
    roles: kept.roles,
    x509Certificates: kept.x509Certificates,
    groups: row.groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${baseUrl}/Groups/${g.id}`, type: "direct" })),
    [ENTERPRISE_USER]: Object.keys(enterprise).length ? enterprise : undefined,
    [PORTICO_USER]: Object.keys(custom).length ? custom : undefined,
  });
  resource.meta = { resourceType: "User", created: row.createdAt.toISOString(), lastModified: row.updatedAt.toISOString(), location: `${baseUrl}/Users/${row.id}` };
  (resource.meta as Json).version = versionOf(resource);
  return resource;
}

/** Column lengths (schema.prisma): a longer value is the client's error, not a 500. */
const COLUMN_LIMITS = { userName: 256, externalId: 256, displayName: 100, givenName: 100, familyName: 100, middleName: 100, nickname: 100, websiteUrl: 2048, locale: 35, zoneinfo: 64 } as const;

function text(value: unknown, attribute: string, limit: number): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string") throw invalidValue(`${attribute} must be a string.`);
  if (value.length > limit) throw invalidValue(`${attribute} is longer than ${limit} characters.`);
  return value;
}

export interface UserWrite {
  columns: ScimUserWrite;
  /** The custom attribute values of the Portico extension (checked by lib/profile), if it was sent. */
  custom: Json | undefined;
  /** The email the account should sign in with, if the resource names a usable one. */
  preferredSignInAddress: string | null;
  password: string | undefined;
}

/**
 * A normalised SCIM User (normalise.ts) as the columns to write. `current`: the account as it is,
 * which keeps its disable time, and its state when `active` is left out (a PUT that does not name
 * it does not switch the account on); an account whose owner asked for its deletion stays off.
 */
export function fromScimUser(resource: Json, current: { disabledAt: Date | null; deletionRequestedAt: Date | null } | null, now: Date): UserWrite {
  const name = isObject(resource.name) ? resource.name : {};
  const userName = text(resource.userName, "userName", COLUMN_LIMITS.userName);
  if (!userName) throw invalidValue("userName is required.");
  const kept: Json = {};
  for (const key of KEPT_AS_SENT) if (resource[key] !== undefined) kept[key] = resource[key];
  const keptName = dropEmpty(Object.fromEntries(NAME_KEPT_AS_SENT.map((k) => [k, name[k]])));
  if (Object.keys(keptName).length) kept.name = keptName;
  const enterprise = resource[ENTERPRISE_USER];
  if (isObject(enterprise) && Object.keys(enterprise).length) kept.enterprise = enterprise;
  const active = resource.active === undefined ? !current?.disabledAt : resource.active === true;
  if (active && current?.deletionRequestedAt) throw mutability("The account's owner asked for its deletion: it cannot be made active.");
  const password = resource.password;
  if (password !== undefined && typeof password !== "string") throw invalidValue("password must be a string.");
  return {
    columns: {
      userName,
      externalId: text(resource.externalId, "externalId", COLUMN_LIMITS.externalId),
      displayName: text(resource.displayName, "displayName", COLUMN_LIMITS.displayName),
      givenName: text(name.givenName, "name.givenName", COLUMN_LIMITS.givenName),
      familyName: text(name.familyName, "name.familyName", COLUMN_LIMITS.familyName),
      middleName: text(name.middleName, "name.middleName", COLUMN_LIMITS.middleName),
      nickname: text(resource.nickName, "nickName", COLUMN_LIMITS.nickname),
      websiteUrl: text(resource.profileUrl, "profileUrl", COLUMN_LIMITS.websiteUrl),
      locale: text(resource.locale, "locale", COLUMN_LIMITS.locale),
      zoneinfo: text(resource.timezone, "timezone", COLUMN_LIMITS.zoneinfo),
      disabledAt: active ? null : (current?.disabledAt ?? now),
      scimAttributes: kept,
      attributes: {},
    },
    custom: isObject(resource[PORTICO_USER]) ? (resource[PORTICO_USER] as Json) : undefined,
    preferredSignInAddress: preferredAddress(resource.emails),
    password: typeof password === "string" ? password : undefined,
  };
}

/** The primary email's value, else the first one's (RFC 7643 §4.1.2: "primary" marks the preferred). */
function preferredAddress(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const values = emails.filter(isObject);
  const chosen = values.find((e) => e.primary === true) ?? values[0];
  return typeof chosen?.value === "string" ? chosen.value : null;
}
