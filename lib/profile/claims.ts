// The claims an ID token and UserInfo release for the granted scopes (OIDC Core §5.4), from the
// profile Portico holds. A claim without a value is omitted, never null or "" (Core §5.3.2).
import type { Address, Profile } from "./profile.schema";
import { RESERVED_CLAIM_NAMES, type ClaimMapping, type ClaimTarget } from "./attributes.schema";

/** One read of everything the standard claims need (lib/profile getClaimSource). */
export interface ClaimSource extends Omit<Profile, keyof Address> {
  id: string;
  email: string;
  emailVerified: boolean;
  address: Address | null;
  /** The profile number is one of the account's confirmed SMS factor numbers (proved by a texted code). */
  phoneNumberVerified: boolean;
  updatedAt: Date;
  /** Custom attribute values by name. */
  attributes: Record<string, unknown>;
  /** Attribute name -> the scope under which applications may read it (absent: applications never do). */
  attributeScopes: Record<string, string>;
}

const RESERVED = RESERVED_CLAIM_NAMES;

export const PROFILE_SCOPE_CLAIMS = [
  ["name", "displayName"],
  ["given_name", "givenName"],
  ["family_name", "familyName"],
  ["middle_name", "middleName"],
  ["nickname", "nickname"],
  ["picture", "pictureUrl"],
  ["website", "websiteUrl"],
  ["gender", "gender"],
  ["birthdate", "birthdate"],
  ["zoneinfo", "zoneinfo"],
  ["locale", "locale"],
] as const satisfies readonly (readonly [string, keyof ClaimSource])[];

/** Core §5.1.1: the address members present, and `formatted` as the lines a letter would carry. */
export function addressClaim(address: Address | null): Record<string, string> | null {
  if (!address) return null;
  const members: Record<string, string> = {};
  if (address.streetAddress) members.street_address = address.streetAddress;
  if (address.locality) members.locality = address.locality;
  if (address.region) members.region = address.region;
  if (address.postalCode) members.postal_code = address.postalCode;
  if (address.country) members.country = address.country;
  if (Object.keys(members).length === 0) return null;
  const cityLine = [address.postalCode, address.locality, address.region].filter(Boolean).join(" ");
  members.formatted = [address.streetAddress, cityLine, address.country].filter(Boolean).join("\n");
  return members;
}

/** Claims released for the granted scopes (only those Portico holds; absent claims are omitted). */
export function claimsForScopes(user: ClaimSource, scopes: string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  if (scopes.includes("profile")) {
    for (const [claim, field] of PROFILE_SCOPE_CLAIMS) {
      const value = user[field];
      if (value) claims[claim] = value;
    }
    claims.updated_at = Math.floor(user.updatedAt.getTime() / 1000);
  }
  if (scopes.includes("email")) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (scopes.includes("phone") && user.phoneNumber) {
    claims.phone_number = user.phoneNumber;
    claims.phone_number_verified = user.phoneNumberVerified;
  }
  if (scopes.includes("address")) {
    const address = addressClaim(user.address);
    if (address) claims.address = address;
  }
  return claims;
}

/**
 * The application's mapped custom attributes for one token or answer (`target`): each released only
 * when the attribute lets applications read it, the granted scopes include that scope, and a value
 * is held. The mapping's claim names were checked against the registered ones when saved; they are
 * skipped here too, so a mapping can never overwrite a claim Portico sets.
 */
export function mappedClaims(user: Pick<ClaimSource, "attributes" | "attributeScopes">, scopes: readonly string[], mappings: readonly ClaimMapping[], target: ClaimTarget): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const m of mappings) {
    if (!m.targets.includes(target) || RESERVED.has(m.claim)) continue;
    const scope = user.attributeScopes[m.attribute];
    const value = user.attributes[m.attribute];
    if (!scope || !scopes.includes(scope) || value === undefined || value === null || value === "") continue;
    claims[m.claim] = value;
  }
  return claims;
}
