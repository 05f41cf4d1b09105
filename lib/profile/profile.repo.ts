// The profile columns of the User row. Reads for tokens and UserInfo go through the direct path
// (lib/db/sql.ts: one statement per token request, with the phone check inside it); the portal's
// reads and writes use Prisma.
import "server-only";
import { isUuid, jsonColumn } from "@/lib/formats";
import { getDb, getSql, Prisma, withTransaction, type Tx } from "@/lib/db";

export { withTransaction };
import { ADDRESS_FIELDS, type Address, type Profile } from "./profile.schema";

/** The profile as stored: the address is one JSONB value. */
export type ProfileRecord = Omit<Profile, keyof Address> & { address: Address | null };

export interface ClaimSourceRow extends ProfileRecord {
  /** Custom attribute values by name (User.attributes). */
  attributes: Record<string, unknown>;
  /** The scope under which applications may read each attribute (definitions with one), read in the same statement. */
  attributeScopes: Record<string, string>;
  id: string;
  email: string;
  emailVerifiedAt: Date | null;
  disabledAt: Date | null;
  updatedAt: Date;
  phoneNumberVerified: boolean;
}

const PROFILE_COLUMNS = `"displayName", "givenName", "familyName", "middleName", "nickname", "pictureUrl", "websiteUrl", "gender",
  "birthdate", "zoneinfo", "locale", "phoneNumber", "address"`;

/** A stored address back to its members (unknown keys and non-strings dropped). */
export function addressFromJson(value: unknown): Address | null {
  if (!value || typeof value !== "object") return null;
  const stored = value as Record<string, unknown>;
  const address = Object.fromEntries(ADDRESS_FIELDS.map((k) => [k, typeof stored[k] === "string" ? stored[k] : null])) as Address;
  return ADDRESS_FIELDS.some((k) => address[k]) ? address : null;
}

/** A JSONB object as the driver returns it (parsed, or text on some drivers). */
function jsonObject(value: unknown): Record<string, unknown> {
  const v = jsonColumn(value);
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export async function findClaimSourceRow(userId: string): Promise<ClaimSourceRow | null> {
  if (!isUuid(userId)) return null;
  const rows = await (await getSql())<Omit<ClaimSourceRow, "address" | "attributes" | "attributeScopes"> & { address: unknown; attributes: unknown; attributeScopes: unknown }>(
    `SELECT u."id", u."email", u."emailVerifiedAt", u."disabledAt", u."updatedAt", ${PROFILE_COLUMNS.replace(/"(\w+)"/g, 'u."$1"')}, u."attributes",
       (SELECT coalesce(jsonb_object_agg(d."name", d."appReadScope"), '{}'::jsonb) FROM "AttributeDefinition" d WHERE d."appReadScope" IS NOT NULL) AS "attributeScopes",
       (u."phoneNumber" IS NOT NULL AND EXISTS (
          SELECT 1 FROM "MfaFactor" f
          WHERE f."userId" = u."id" AND f."type" = 'sms' AND f."confirmedAt" IS NOT NULL AND f."phone" = u."phoneNumber"
       )) AS "phoneNumberVerified"
     FROM "User" u WHERE u."id" = $1::uuid`,
    [userId],
  );
  const row = rows[0];
  return row ? { ...row, address: addressFromJson(row.address), attributes: jsonObject(row.attributes), attributeScopes: jsonObject(row.attributeScopes) as Record<string, string> } : null;
}

export async function findProfileRow(userId: string): Promise<(ProfileRecord & { email: string; phoneNumberVerified: boolean; attributes: Record<string, unknown> }) | null> {
  const row = await findClaimSourceRow(userId);
  if (!row || row.disabledAt) return null;
  const { attributeScopes: _scopes, ...profile } = row;
  return profile;
}

/**
 * Sets and removes custom attribute values in one statement on the stored object (jsonb `-` and
 * `||`), so concurrent writes of different attributes (the portal form, a profiling prompt) do not
 * overwrite each other with a copy read earlier.
 */
export async function patchAttributes(userId: string, set: Record<string, unknown>, removed: string[], tx: Tx): Promise<void> {
  await tx.$executeRaw`
    UPDATE "User" SET attributes = (attributes - ${removed}::text[]) || ${JSON.stringify(set)}::jsonb, "updatedAt" = (now() AT TIME ZONE 'UTC')
    WHERE id = ${userId}::uuid`;
}

/** Writes the given fields (undefined: unchanged); the address and the attributes replace the stored ones. */
export async function updateProfileRow(userId: string, fields: Partial<ProfileRecord> & { attributes?: Record<string, unknown> }, tx?: Tx): Promise<void> {
  const { address, attributes, ...columns } = fields;
  const data: Prisma.UserUpdateInput = { ...columns };
  if (attributes !== undefined) data.attributes = attributes as Prisma.InputJsonObject;
  if (address !== undefined) data.address = address ?? Prisma.DbNull;
  await (tx ?? (await getDb())).user.update({ where: { id: userId }, data, select: { id: true } });
}
