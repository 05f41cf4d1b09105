// The customer's profile: the OpenID Connect standard claims (Core §5.1) Portico holds, read for
// the portal and for tokens, written by the customer or by an administrator through one schema
// (profile.schema.ts). Every change is audited with the names of the fields, not their values.
import "server-only";
import { fieldErrorsOf } from "@/lib/errors";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { emitIdentityEvent } from "@/lib/events";
import { kickOutbox } from "@/lib/outbox";
import { adminTarget, assertPermission, canActOnUser, type Actor } from "@/lib/users";
import { findClaimSourceRow, findProfileRow, patchAttributes, updateProfileRow, withTransaction, type ProfileRecord } from "./profile.repo";
import { ADDRESS_FIELDS, type Address, type Profile, type ProfileUpdate } from "./profile.schema";
import { addressClaim, PROFILE_SCOPE_CLAIMS, type ClaimSource } from "./claims";
import { ProfileError } from "./profile.errors";
import { listAttributeDefinitions } from "./attributes";
import { attributeSchema, type AttributeValue } from "./attributes.schema";
export { storedPatternProblem } from "./attributes.schema";

export { claimsForScopes, addressClaim, mappedClaims, type ClaimSource } from "./claims";
export {
  listAttributeDefinitions,
  listAttributeDefinitionsFor,
  createAttributeDefinition,
  updateAttributeDefinition,
  deleteAttributeDefinition,
  definitionsWithUnusablePatterns,
  type AttributeDefinitionDto,
} from "./attributes";
export type { AttributeDefinition, ClaimMapping, ClaimTarget, AttributeValue } from "./attributes.schema";
export type { Profile, ProfileUpdate, Address } from "./profile.schema";
export { ProfileError, type ProfileErrorCode } from "./profile.errors";

export interface ProfileView extends Profile {
  email: string;
  /** The profile number is one of the account's confirmed SMS factor numbers. */
  phoneNumberVerified: boolean;
  /** Custom attribute values by name (every one: the page shows those the customer may read). */
  attributes: Record<string, unknown>;
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

/**
 * The custom attribute values an account holds, each with its definition's label (every one: the
 * owner's copy of their data, GDPR art. 15 and 20, includes the values only administrators see).
 */
export async function customAttributesForExport(userId: string): Promise<{ name: string; label: string; value: unknown }[] | null> {
  const [p, definitions] = await Promise.all([getProfile(userId), listAttributeDefinitions()]);
  if (!p) return null;
  const labels = new Map(definitions.map((d) => [d.name, d.label]));
  return Object.entries(p.attributes)
    .filter(([name]) => labels.has(name))
    .map(([name, value]) => ({ name, label: labels.get(name)!, value }));
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

/** Where custom attribute values come from: a form (strings) or JSON (typed), all of the writer's or some. */
export interface AttributeWrite {
  values: Record<string, unknown>;
  source: "form" | "json";
  partial?: boolean;
}

/**
 * An administrator's attribute values for a new account (lib/users createUserByAdmin checks who
 * may create it): THE schema for the admin writer; errors as `attr.<name>`; unset values left out.
 */
export async function parseAttributesForNewAccount(values: Record<string, unknown>, source: "form" | "json"): Promise<Record<string, unknown>> {
  const parsed = await parseAttributes({ values, source }, "admin");
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== null));
}

/** A custom attribute value an upstream identity provider sent, as a new account will hold it. */
export interface ImportedAttribute {
  name: string;
  label: string;
  value: AttributeValue;
  /** Whether the customer may see it in the portal (the registration page shows only those). */
  customerReadable: boolean;
}

/**
 * The custom attribute values an upstream identity provider sent (`attr.<name>` in a connection's
 * claim mapping, without the prefix) for an account it creates: each checked alone by THE schema
 * for an administrator's write; a value that does not fit its definition is left out rather than
 * blocking the registration.
 */
export async function importableAttributes(values: Record<string, string | boolean>): Promise<ImportedAttribute[]> {
  const definitions = await listAttributeDefinitions();
  const schema = attributeSchema(definitions, { writer: "admin", source: "form", partial: true });
  const imported: ImportedAttribute[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const parsed = schema.safeParse({ [name]: typeof raw === "boolean" ? String(raw) : raw });
    const value = parsed.success ? parsed.data[name] : undefined;
    const definition = definitions.find((d) => d.name === name);
    if (value !== undefined && value !== null && definition) imported.push({ name, label: definition.label, value, customerReadable: definition.customerAccess !== "none" });
  }
  return imported;
}

/**
 * The custom attribute values of a write, parsed by THE schema built from the definitions for this
 * writer (the customer: the attributes writable in the portal; an administrator: all). Errors are
 * field errors named `attr.<name>` (the form's field names); nothing is written.
 */
async function parseAttributes(write: AttributeWrite, writer: "customer" | "admin"): Promise<Record<string, AttributeValue | null>> {
  const definitions = await listAttributeDefinitions();
  const parsed = attributeSchema(definitions, { writer, source: write.source, partial: write.partial }).safeParse(write.values);
  if (parsed.success) return parsed.data;
  const fieldErrors = fieldErrorsOf(parsed.error.issues, (key) => `attr.${key}`);
  throw new ProfileError("invalid_attributes", "Check the highlighted fields; nothing was saved.", undefined, { fieldErrors });
}

/**
 * Changes the profile of `userId`: the customer's own, or anyone's for an administrator holding
 * users:write. Fields left out stay as they are; null clears one. Custom attributes (`attributes`)
 * are checked against their definitions for this writer. Returns the names of the fields that
 * changed, custom ones as `attr.<name>` (none: nothing is written or audited).
 */
export async function updateProfile(actor: Actor, userId: string, update: ProfileUpdate, ctx: RequestContext, attributes?: AttributeWrite): Promise<{ changed: string[] }> {
  const self = actor.id === userId;
  if (!self) assertPermission(actor, "users:write");
  const current = await getProfile(userId);
  if (!current) throw new ProfileError("not_found", "This account does not exist or is disabled.");
  // An administrator's edit: this customer must be theirs (segment scopes), before and after, so a
  // segment's administrator cannot move a customer out of the segment (nor read one by editing it).
  if (!self) await adminTarget(actor, "users:write", userId);
  const values = attributes ? await parseAttributes(attributes, self ? "customer" : "admin") : {};
  if (!self) {
    const after = Object.fromEntries(Object.entries({ ...current.attributes, ...values }).filter(([, v]) => v !== null));
    if (!canActOnUser(actor, "users:write", { attributes: after })) {
      throw new ProfileError("invalid_attributes", "This change would move the customer out of the segment you manage; nothing was saved.");
    }
  }
  const changedAttributes = Object.keys(values).filter((k) => JSON.stringify(values[k]) !== JSON.stringify(current.attributes[k] ?? null));
  const changedFields = (Object.keys(update) as (keyof ProfileUpdate)[]).filter((k) => update[k] !== undefined && update[k] !== current[k]);
  const changed = [...changedFields, ...changedAttributes.map((k) => `attr.${k}`)];
  if (changed.length === 0) return { changed };
  const onlyChanged = Object.fromEntries(changedFields.map((k) => [k, update[k]])) as ProfileUpdate;
  const record = recordFrom(onlyChanged, current);
  const set = Object.fromEntries(changedAttributes.filter((k) => values[k] !== null).map((k) => [k, values[k]]));
  const removed = changedAttributes.filter((k) => values[k] === null);
  await withTransaction(async (tx) => {
    if (changedFields.length) await updateProfileRow(userId, record, tx);
    if (changedAttributes.length) await patchAttributes(userId, set, removed, tx);
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
