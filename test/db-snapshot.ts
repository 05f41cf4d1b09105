// A fingerprint of every table (row count and an md5 over the rows' text), taken in one statement,
// so a test can prove that a request changed nothing in the database. Works on PGlite and PostgreSQL.
import { getSql } from "@/lib/db";

export type DbSnapshot = Record<string, { rows: number; sum: string }>;

let statement: string | undefined;

async function snapshotStatement(): Promise<string> {
  if (statement) return statement;
  const tables = await (await getSql())<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
     ORDER BY table_name`,
  );
  statement = tables
    .map(({ name }) => `SELECT '${name}' AS name, count(*)::int AS rows, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS sum FROM "${name}" t`)
    .join(" UNION ALL ");
  return statement;
}

export async function snapshotDatabase(): Promise<DbSnapshot> {
  const rows = await (await getSql())<{ name: string; rows: number; sum: string }>(await snapshotStatement());
  return Object.fromEntries(rows.map((r) => [r.name, { rows: r.rows, sum: r.sum }]));
}

/** The tables whose content differs between two snapshots. */
export function changedTables(before: DbSnapshot, after: DbSnapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n]?.rows !== after[n]?.rows || before[n]?.sum !== after[n]?.sum).sort();
}
