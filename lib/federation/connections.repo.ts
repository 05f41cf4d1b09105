// Connections, their home realm domains and each application's choice of them: Prisma only.
import "server-only";
import { getDb, type Tx } from "@/lib/db";

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
