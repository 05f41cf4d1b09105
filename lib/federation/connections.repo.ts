// Connections, their home realm domains and each application's choice of them: Prisma only.
import "server-only";
import { getDb, isUniqueViolation, withTransaction, type Tx } from "@/lib/db";

export { withTransaction };

const CONNECTION = {
  id: true,
  slug: true,
  name: true,
  protocol: true,
  preset: true,
  enabled: true,
  settings: true,
  clientSecretSealed: true,
  trustEmailVerified: true,
  storeTokens: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type ConnectionRow = {
  id: string;
  slug: string;
  name: string;
  protocol: string;
  preset: string | null;
  enabled: boolean;
  settings: unknown;
  clientSecretSealed: string | null;
  trustEmailVerified: boolean;
  storeTokens: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export async function findConnectionRowBySlug(slug: string, tx?: Tx): Promise<ConnectionRow | null> {
  return (tx ?? (await getDb())).connection.findUnique({ where: { slug }, select: CONNECTION });
}

export async function findConnectionRowById(id: string, tx?: Tx): Promise<ConnectionRow | null> {
  return (tx ?? (await getDb())).connection.findUnique({ where: { id }, select: CONNECTION });
}

export async function listConnectionRows(): Promise<ConnectionRow[]> {
  return (await getDb()).connection.findMany({ select: CONNECTION, orderBy: { name: "asc" }, take: 500 });
}

/** The enabled connections an application offers, in its order. */
export async function listApplicationConnectionRows(clientId: string): Promise<ConnectionRow[]> {
  const rows = await (await getDb()).applicationConnection.findMany({
    where: { application: { clientId }, connection: { enabled: true } },
    orderBy: { position: "asc" },
    select: { connection: { select: CONNECTION } },
  });
  return rows.map((r) => r.connection);
}

/** The enabled connection an email domain is mapped to (home realm discovery). */
export async function findConnectionRowByDomain(domain: string): Promise<ConnectionRow | null> {
  const row = await (await getDb()).connectionDomain.findUnique({ where: { domain }, select: { connection: { select: CONNECTION } } });
  return row && row.connection.enabled ? row.connection : null;
}

// ---- The console's reads and writes ---------------------------------------------------------------

export type ConnectionAdminRow = ConnectionRow & { domains: { domain: string }[]; _count: { identities: number } };

const CONNECTION_ADMIN = { ...CONNECTION, domains: { select: { domain: true }, orderBy: { domain: "asc" } }, _count: { select: { identities: true } } } as const;

export async function listConnectionAdminRows(): Promise<ConnectionAdminRow[]> {
  return (await getDb()).connection.findMany({ select: CONNECTION_ADMIN, orderBy: { name: "asc" }, take: 500 });
}

export async function findConnectionAdminRow(id: string, tx?: Tx): Promise<ConnectionAdminRow | null> {
  return (tx ?? (await getDb())).connection.findUnique({ where: { id }, select: CONNECTION_ADMIN });
}

export type ConnectionWrite = {
  name: string;
  protocol: string;
  preset: string | null;
  enabled: boolean;
  settings: object;
  trustEmailVerified: boolean;
  storeTokens: boolean;
  /** Absent: unchanged. */
  clientSecretSealed?: string;
};

/** The new row, or null when the slug is taken (the unique constraint decides, even in a race). */
export async function insertConnectionRow(data: ConnectionWrite & { slug: string }, tx: Tx): Promise<ConnectionRow | null> {
  try {
    return await tx.connection.create({ data, select: CONNECTION });
  } catch (e) {
    if (isUniqueViolation(e, "slug")) return null;
    throw e;
  }
}

/** Serialises the console's changes to one connection (FOR UPDATE on its row); null when gone. */
export async function lockConnectionRow(id: string, tx: Tx): Promise<ConnectionAdminRow | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Connection" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return locked.length ? findConnectionAdminRow(id, tx) : null;
}

export async function updateConnectionRow(id: string, data: ConnectionWrite, tx: Tx): Promise<ConnectionRow> {
  return tx.connection.update({ where: { id }, data, select: CONNECTION });
}

/** Deletes the connection; its linked identities, domains, applications' choices and requests go with it (ON DELETE CASCADE). */
export async function deleteConnectionRow(id: string, tx: Tx): Promise<void> {
  await tx.connection.delete({ where: { id } });
}

/** Which of `domains` are mapped to a connection other than `connectionId`, and to which. */
export async function findDomainsMappedElsewhere(domains: readonly string[], connectionId: string, tx: Tx): Promise<{ domain: string; connectionName: string }[]> {
  const rows = await tx.connectionDomain.findMany({
    where: { domain: { in: [...domains] }, connectionId: { not: connectionId } },
    select: { domain: true, connection: { select: { name: true } } },
    orderBy: { domain: "asc" },
  });
  return rows.map((r) => ({ domain: r.domain, connectionName: r.connection.name }));
}

/**
 * Makes `domains` the connection's set; false when another connection took one meanwhile (the
 * primary key on domain decides; the failed INSERT aborts the transaction, which the caller rolls back).
 */
export async function replaceConnectionDomains(connectionId: string, domains: readonly string[], tx: Tx): Promise<boolean> {
  await tx.connectionDomain.deleteMany({ where: { connectionId, domain: { notIn: [...domains] } } });
  const kept = new Set((await tx.connectionDomain.findMany({ where: { connectionId }, select: { domain: true } })).map((r) => r.domain));
  const added = domains.filter((d) => !kept.has(d));
  if (!added.length) return true;
  try {
    await tx.connectionDomain.createMany({ data: added.map((domain) => ({ domain, connectionId })) });
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

export type ConnectionSummaryRow = { id: string; slug: string; name: string; protocol: string; preset: string | null; enabled: boolean };
const SUMMARY = { id: true, slug: true, name: true, protocol: true, preset: true, enabled: true } as const;

/** Every connection, briefly (an application's page offers them to choose from). */
export async function listConnectionSummaryRows(tx?: Tx): Promise<ConnectionSummaryRow[]> {
  return (tx ?? (await getDb())).connection.findMany({ select: SUMMARY, orderBy: { name: "asc" }, take: 500 });
}

/** The connections an application offers, in its order, disabled ones included (the console's view). */
export async function listApplicationConnectionSummaryRows(applicationId: string, tx?: Tx): Promise<ConnectionSummaryRow[]> {
  const rows = await (tx ?? (await getDb())).applicationConnection.findMany({ where: { applicationId }, orderBy: { position: "asc" }, select: { connection: { select: SUMMARY } } });
  return rows.map((r) => r.connection);
}

/**
 * Locks the application's row (FOR UPDATE: two saves of its connections run one after the other)
 * and the chosen connections' (FOR SHARE: none is deleted before the choice is written); the
 * application's name, and the ids of the connections that exist.
 */
export async function lockApplicationAndConnections(applicationId: string, connectionIds: readonly string[], tx: Tx): Promise<{ application: { id: string; name: string } | null; found: string[] }> {
  const [application] = await tx.$queryRaw<{ id: string; name: string }[]>`SELECT "id", "name" FROM "Application" WHERE "id" = ${applicationId}::uuid FOR UPDATE`;
  if (!application || !connectionIds.length) return { application: application ?? null, found: [] };
  const found = await tx.$queryRaw<{ id: string }[]>`SELECT "id"::text AS "id" FROM "Connection" WHERE "id" = ANY(${[...connectionIds]}::uuid[]) FOR SHARE`;
  return { application, found: found.map((r) => r.id) };
}

/** The application's connections become `connectionIds`, in that order (position 0 first). */
export async function replaceApplicationConnections(applicationId: string, connectionIds: readonly string[], tx: Tx): Promise<void> {
  await tx.applicationConnection.deleteMany({ where: { applicationId } });
  if (connectionIds.length) await tx.applicationConnection.createMany({ data: connectionIds.map((connectionId, position) => ({ applicationId, connectionId, position })) });
}
