// Gives each integration test file its own migrated database: an in-memory PGlite by default,
// or a freshly created database on the PostgreSQL server named by DATABASE_URL.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, setDb, closeDb, type Db } from "@/lib/db/client";

export const usingPostgres = Boolean(process.env.DATABASE_URL);

export async function createTestDatabase(): Promise<{ url?: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { drop: async () => {} };
  const name = `portico_t_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Call at the top of a test file: installs a fresh database as the process default. */
export function useTestDatabase(): { db: () => Db } {
  let db: Db | undefined;
  let drop = async () => {};
  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    const handle = openDatabase(created.url ? { databaseUrl: created.url } : { pgliteDir: "memory://" });
    setDb(handle);
    db = (await handle).db;
  });
  afterAll(async () => {
    await closeDb();
    await drop();
  });
  return {
    db: () => {
      if (!db) throw new Error("test database not ready");
      return db;
    },
  };
}
