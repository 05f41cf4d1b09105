// Custom attribute definitions (Prisma: console writes, rare) and the maintenance of their values in
// User.attributes when a definition changes. The token path never comes here: the claim source
// statement in profile.repo.ts reads the values and the definitions' read scopes with the profile.
import "server-only";
import { getDb, isUniqueViolation, type Tx } from "@/lib/db";
import type { AttributeDefinition as AttributeDefinitionRow } from "@/lib/db/generated/client";

export type { AttributeDefinitionRow };

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

export async function listDefinitionRows(tx?: Tx): Promise<AttributeDefinitionRow[]> {
  return (await client(tx)).attributeDefinition.findMany({ orderBy: [{ name: "asc" }], take: 500 });
}

export async function findDefinitionRow(id: string, tx?: Tx): Promise<AttributeDefinitionRow | null> {
  return (await client(tx)).attributeDefinition.findUnique({ where: { id } });
}

type DefinitionWrite = Omit<AttributeDefinitionRow, "id" | "createdAt" | "updatedAt" | "rules"> & { rules: object };

/** The new row, or null when the name is taken (the unique constraint on name: P2002, even in a race). */
export async function insertDefinitionRow(data: DefinitionWrite, tx: Tx): Promise<AttributeDefinitionRow | null> {
  try {
    return await tx.attributeDefinition.create({ data });
  } catch (e) {
    if (isUniqueViolation(e, "name")) return null;
    throw e;
  }
}

export async function updateDefinitionRow(id: string, data: Omit<DefinitionWrite, "name">, tx: Tx): Promise<AttributeDefinitionRow> {
  return tx.attributeDefinition.update({ where: { id }, data });
}

export async function deleteDefinitionRow(id: string, tx: Tx): Promise<void> {
  await tx.attributeDefinition.delete({ where: { id } });
}

/** Every stored value of one attribute (to check a rule change against them). */
export async function storedValuesOf(name: string, tx: Tx): Promise<unknown[]> {
  const rows = await tx.$queryRaw<{ v: unknown }[]>`SELECT "attributes" -> ${name} AS v FROM "User" WHERE "attributes" ? ${name}`;
  return rows.map((r) => r.v);
}

/** How many accounts hold a value of one attribute. */
export async function countHolders(name: string, tx: Tx): Promise<number> {
  const rows = await tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "User" WHERE "attributes" ? ${name}`;
  return Number(rows[0]?.n ?? 0);
}

/** Removes one attribute's values from every account; returns how many held one. */
export async function removeValuesOf(name: string, tx: Tx): Promise<number> {
  return tx.$executeRaw`UPDATE "User" SET "attributes" = "attributes" - ${name}::text WHERE "attributes" ? ${name}`;
}
