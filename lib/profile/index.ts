// The customer's profile: the OpenID Connect standard claims (Core §5.1) Portico holds, read for
// the portal and for tokens, written by the customer or by an administrator through one schema
// (profile.schema.ts). Every change is audited with the names of the fields, not their values.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { emitIdentityEvent } from "@/lib/events";
import { kickOutbox } from "@/lib/outbox";
import { assertPermission, type Actor } from "@/lib/users";
import { findClaimSourceRow, findProfileRow, updateProfileRow, withTransaction, type ProfileRecord } from "./profile.repo";
import { ADDRESS_FIELDS, type Address, type Profile, type ProfileUpdate } from "./profile.schema";
import { addressClaim, PROFILE_SCOPE_CLAIMS, type ClaimSource } from "./claims";
import { ProfileError } from "./profile.errors";

export { claimsForScopes, addressClaim, type ClaimSource } from "./claims";
export type { Profile, ProfileUpdate, Address } from "./profile.schema";
export { ProfileError, type ProfileErrorCode } from "./profile.errors";

export interface ProfileView extends Profile {
  email: string;
  /** The profile number is one of the account's confirmed SMS factor numbers. */
  phoneNumberVerified: boolean;
}

const EMPTY_ADDRESS: Address = { streetAddress: null, locality: null, region: null, postalCode: null, country: null };

/** The profile of an active account, flat as the form shows it; null when unknown or disabled. */
export async function getProfile(userId: string): Promise<ProfileView | null> {
  const row = await findProfileRow(userId);
  if (!row) return null;
  const { address, ...rest } = row;
  return { ...rest, ...(address ?? EMPTY_ADDRESS) };
}

/** Every standard claim by its OpenID Connect name (Core §5.1), null where unset: the owner's copy of their data. */
export type ProfileClaims = Record<(typeof PROFILE_SCOPE_CLAIMS)[number][0] | "phone_number", string | null> & {
  phone_number_verified: boolean | null;
  address: Record<string, string> | null;
};

/** The profile of an active account as standard claims (all of them, unset ones null); null when unknown or disabled. */
export async function getProfileClaims(userId: string): Promise<ProfileClaims | null> {
  const p = await getProfile(userId);
  if (!p) return null;
  const named = Object.fromEntries(PROFILE_SCOPE_CLAIMS.map(([claim, field]) => [claim, p[field] ?? null])) as Record<(typeof PROFILE_SCOPE_CLAIMS)[number][0], string | null>;
  const address = Object.fromEntries(ADDRESS_FIELDS.map((k) => [k, p[k]])) as Address;
  return { ...named, phone_number: p.phoneNumber, phone_number_verified: p.phoneNumber ? p.phoneNumberVerified : null, address: addressClaim(address) };
}

/** What ID tokens and UserInfo release, in one read; null when the account is unknown or disabled. */
export async function getClaimSource(userId: string): Promise<ClaimSource | null> {
  const row = await findClaimSourceRow(userId);
  if (!row || row.disabledAt) return null;
  const { emailVerifiedAt, disabledAt: _disabled, ...rest } = row;
  return { ...rest, emailVerified: Boolean(emailVerifiedAt) };
}

/** The stored shape of an update: the address members merged into the stored address. */
function recordFrom(update: ProfileUpdate, current: ProfileView): Partial<ProfileRecord> {
  const record: Partial<ProfileRecord> = {};
  let addressTouched = false;
  const address: Address = Object.fromEntries(ADDRESS_FIELDS.map((k) => [k, current[k]])) as Address;
  for (const [key, value] of Object.entries(update) as [keyof ProfileUpdate, string | null | undefined][]) {
    if (value === undefined) continue;
    if ((ADDRESS_FIELDS as readonly string[]).includes(key)) {
      address[key as keyof Address] = value;
      addressTouched = true;
    } else {
      (record as Record<string, string | null>)[key] = value;
    }
  }
  if (addressTouched) record.address = ADDRESS_FIELDS.some((k) => address[k]) ? address : null;
  return record;
}

/**
 * Changes the profile of `userId`: the customer's own, or anyone's for an administrator holding
 * users:write. Fields left out stay as they are; null clears one. Returns the names of the fields
 * that changed (none: nothing is written or audited).
 */
export async function updateProfile(actor: Actor, userId: string, update: ProfileUpdate, ctx: RequestContext): Promise<{ changed: string[] }> {
  if (actor.id !== userId) assertPermission(actor, "users:write");
  const current = await getProfile(userId);
  if (!current) throw new ProfileError("not_found", "This account does not exist or is disabled.");
  const changed = (Object.keys(update) as (keyof ProfileUpdate)[]).filter((k) => update[k] !== undefined && update[k] !== current[k]);
  if (changed.length === 0) return { changed };
  const onlyChanged = Object.fromEntries(changed.map((k) => [k, update[k]])) as ProfileUpdate;
  await withTransaction(async (tx) => {
    await updateProfileRow(userId, recordFrom(onlyChanged, current), tx);
    await recordAudit(
      {
        actor: { type: actor.id === userId ? "user" : "admin", id: actor.id },
        action: "user.profile_updated",
        target: { type: "user", id: userId },
        result: "success",
        context: ctx,
        details: { fields: changed },
      },
      tx,
    );
    await emitIdentityEvent({ type: "user.profile_updated", userId, data: { fields: changed } }, tx);
  });
  kickOutbox();
  return { changed };
}
