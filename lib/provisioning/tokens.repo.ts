import "server-only";
import { getDb, type Tx } from "@/lib/db";

export { withTransaction } from "@/lib/db";

export interface ProvisioningTokenRow {
  id: string;
  name: string;
  scopes: string[];
  sendInvitations: boolean;
  expiresAt: Date;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const columns = { id: true, name: true, scopes: true, sendInvitations: true, expiresAt: true, createdAt: true, createdBy: true, lastUsedAt: true, revokedAt: true } as const;

export async function insertProvisioningToken(data: { name: string; tokenHash: string; scopes: string[]; sendInvitations: boolean; expiresAt: Date; createdBy: string | null }, tx: Tx): Promise<ProvisioningTokenRow> {
  return tx.provisioningToken.create({ data, select: columns });
}

export async function findProvisioningTokenByHash(tokenHash: string): Promise<ProvisioningTokenRow | null> {
  return (await getDb()).provisioningToken.findUnique({ where: { tokenHash }, select: columns });
}

/** At most once a minute per token: a provisioning run makes thousands of requests. */
export async function touchProvisioningToken(id: string, now: Date): Promise<void> {
  await (await getDb()).provisioningToken.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }] }, data: { lastUsedAt: now } });
}

export async function listProvisioningTokenRows(): Promise<ProvisioningTokenRow[]> {
  return (await getDb()).provisioningToken.findMany({ orderBy: { createdAt: "desc" }, select: columns, take: 500 });
}

export async function revokeProvisioningTokenRow(id: string, now: Date, tx: Tx): Promise<ProvisioningTokenRow | null> {
  const { count } = await tx.provisioningToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  return count ? tx.provisioningToken.findUnique({ where: { id }, select: columns }) : null;
}
