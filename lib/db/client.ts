// The Prisma client, with the driver adapter chosen from DATABASE_URL:
// postgres://... -> PostgreSQL through @prisma/adapter-pg; unset -> embedded PGlite in .data/pglite.
// Both migrate themselves on first use (PostgreSQL under an advisory lock, so many nodes can start at once).
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { createPgPool, pgliteSql, pgSql, type Sql } from "./sql";
import { processSingleton } from "@/lib/process";
import { migrate, type MigrationConnection } from "./migrate";
import { pgliteAdapter } from "./pglite-adapter";

export type Db = PrismaClient;

export interface DbOptions {
  databaseUrl?: string;
  /** PGlite data directory, or "memory://" for a throwaway database. */
  pgliteDir?: string;
}

const MIGRATION_LOCK_ID = 7_120_514; // arbitrary, constant: serialises migrations across nodes

export interface DbHandle {
  db: Db;
  /** Direct SQL on the same connections, for the few hot paths Prisma's per-query cost would dominate. */
  sql: Sql;
  close: () => Promise<void>;
}

export async function openDatabase(opts: DbOptions): Promise<DbHandle> {
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
    const pool = createPgPool(opts.databaseUrl, 10);
    const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    return {
      db,
      sql: pgSql(pool),
      close: async () => {
        await db.$disconnect();
        if (!pool.ended) await pool.end();
      },
    };
  }
  const dir = opts.pgliteDir ?? "memory://";
  if (!dir.startsWith("memory://")) fs.mkdirSync(/*turbopackIgnore: true*/ dir, { recursive: true });
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  await migrate(pglite);
  const db = new PrismaClient({ adapter: pgliteAdapter(pglite) });
  return {
    db,
    sql: pgliteSql(pglite),
    close: async () => {
      await db.$disconnect();
      await pglite.close();
    },
  };
}

// One client per process (lib/process): Next.js may load this module in several bundles, and two
// PGlite instances on one data directory would corrupt it.
const opened = processSingleton("db", () => ({ handle: undefined as Promise<DbHandle> | undefined }));

export function defaultDbOptions(): DbOptions {
  const url = process.env.DATABASE_URL;
  return url
    ? { databaseUrl: url }
    : { pgliteDir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.PORTICO_DATA_DIR ?? ".data", "pglite") };
}

function handle(): Promise<DbHandle> {
  opened.handle ??= openDatabase(defaultDbOptions()).catch((e) => {
    opened.handle = undefined;
    throw e;
  });
  return opened.handle;
}

export async function getDb(): Promise<Db> {
  return (await handle()).db;
}

export async function getSql(): Promise<Sql> {
  return (await handle()).sql;
}

/** Tests and scripts: use this database instead of the default one. */
export function setDb(handle: Promise<DbHandle>): void {
  opened.handle = handle;
}

export async function closeDb(): Promise<void> {
  const h = opened.handle;
  opened.handle = undefined;
  if (h) await (await h).close();
}

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Runs `fn` in one interactive transaction: every multi-write domain operation goes through here. */
export async function withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return (await getDb()).$transaction(fn, { timeout: 15_000 });
}
