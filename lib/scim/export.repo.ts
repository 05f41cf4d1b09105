// The person's data export (lib/privacy): what a provisioning client wrote about the account
// through SCIM. A read of safe columns only (no password hash).
import "server-only";
import { getDb } from "@/lib/db";

export interface DirectoryRecord {
  /** The SCIM userName, when a provisioning client set one (else the sign-in address serves). */
  userName: string | null;
  /** The provisioning client's own identifier for the account. */
  externalId: string | null;
  /** The SCIM attributes Portico keeps only for SCIM (enterprise extension, titles, addresses…), as written. */
  attributes: Record<string, unknown>;
}

export async function directoryRecordForExport(userId: string): Promise<DirectoryRecord | null> {
  const row = await (await getDb()).user.findUnique({ where: { id: userId }, select: { userName: true, externalId: true, scimAttributes: true } });
  if (!row) return null;
  const attributes = row.scimAttributes && typeof row.scimAttributes === "object" && !Array.isArray(row.scimAttributes) ? (row.scimAttributes as Record<string, unknown>) : {};
  return { userName: row.userName, externalId: row.externalId, attributes };
}
