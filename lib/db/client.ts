// The Prisma client, with the driver adapter chosen from DATABASE_URL:
// postgres://... -> PostgreSQL through @prisma/adapter-pg; unset -> embedded PGlite in .data/pglite.
// Both migrate themselves on first use (PostgreSQL under an advisory lock, so many nodes can start at once).
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { migrate, type MigrationConnection } from "./migrate";
import { pgliteAdapter } from "./pglite-adapter";

export type Db = PrismaClient;

export interface DbOptions {
  databaseUrl?: string;
  /** PGlite data directory, or "memory://" for a throwaway database. */
  pgliteDir?: string;
}

const MIGRATION_LOCK_ID = 7_120_514; // arbitrary, constant: serialises migrations across nodes

export async function openDatabase(opts: DbOptions): Promise<{ db: Db; close: () => Promise<void> }> {
  if (opts.databaseUrl) {
    const client = new pg.Client({ connectionString: opts.databaseUrl });
    await client.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
      const conn: MigrationConnection = {
        query: async (s, p) => (await client.query(s, p)) as never,
        exec: (s) => client.query(s),
      };
      await migrate(conn);
    } finally {
      await client.end();
    }
    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: opts.databaseUrl, max: 10 }) });
    return { db, close: () => db.$disconnect() };
  }
  const dir = opts.pgliteDir ?? "memory://";
  if (!dir.startsWith("memory://")) fs.mkdirSync(/*turbopackIgnore: true*/ dir, { recursive: true });
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  await migrate(pglite);
  const db = new PrismaClient({ adapter: pgliteAdapter(pglite) });
  return {
    db,
    close: async () => {
      await db.$disconnect();
      await pglite.close();
    },
  };
}

// One client per process, kept on globalThis: Next.js may load this module in several bundles,
// and two PGlite instances on one data directory would corrupt it.
const globalKey = Symbol.for("portico.db");
type Holder = { [globalKey]?: Promise<{ db: Db; close: () => Promise<void> }> };

export function defaultDbOptions(): DbOptions {
  const url = process.env.DATABASE_URL;
  return url
    ? { databaseUrl: url }
    : { pgliteDir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.PORTICO_DATA_DIR ?? ".data", "pglite") };
}

export function getDb(): Promise<Db> {
  const holder = globalThis as Holder;
  holder[globalKey] ??= openDatabase(defaultDbOptions()).catch((e) => {
    delete holder[globalKey];
    throw e;
  });
  return holder[globalKey].then((h) => h.db);
}

/** Tests and scripts: use this database instead of the default one. */
export function setDb(handle: Promise<{ db: Db; close: () => Promise<void> }>): void {
  (globalThis as Holder)[globalKey] = handle;
}

export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder;
  const h = holder[globalKey];
  delete holder[globalKey];
  if (h) await (await h).close();
}

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Runs `fn` in one interactive transaction: every multi-write domain operation goes through here. */
export async function withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return (await getDb()).$transaction(fn, { timeout: 15_000 });
}
