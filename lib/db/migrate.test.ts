import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, usingPostgres } from "@/test/db";
import { migrate, MigrationChecksumError, type MigrationConnection } from "./migrate";

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function connection(): Promise<MigrationConnection> {
  if (!usingPostgres) {
    const db = new PGlite("memory://");
    cleanups.push(() => db.close());
    return db;
  }
  const created = await createTestDatabase();
  const client = new pg.Client({ connectionString: created.url });
  await client.connect();
  cleanups.push(async () => {
    await client.end();
    await created.drop();
  });
  return { query: async (s, p) => (await client.query(s, p)) as never, exec: (s) => client.query(s) };
}

describe(`migration runner on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("applies pending migrations in order, once", async () => {
    const conn = await connection();
    const dir = migrationsDir({
      "001_a": "CREATE TABLE a (id int); INSERT INTO a VALUES (1);",
      "002_b": "ALTER TABLE a ADD COLUMN b text;",
    });
    expect(await migrate(conn, dir)).toEqual(["001_a", "002_b"]);
    expect(await migrate(conn, dir)).toEqual([]);
    fs.mkdirSync(path.join(dir, "003_c"));
    fs.writeFileSync(path.join(dir, "003_c", "migration.sql"), "INSERT INTO a VALUES (2, 'x');");
    expect(await migrate(conn, dir)).toEqual(["003_c"]);
    const { rows } = await conn.query<{ n: number }>("SELECT count(*)::int AS n FROM a");
    expect(rows[0]!.n).toBe(2);
  });

  it("rolls back a failing migration completely and records nothing", async () => {
    const conn = await connection();
    const dir = migrationsDir({ "001_bad": "CREATE TABLE t (id int); SELECT * FROM missing_table;" });
    await expect(migrate(conn, dir)).rejects.toThrow(/missing_table/);
    const { rows } = await conn.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]!.n).toBe(0);
    const t = await conn.query<{ r: string | null }>("SELECT to_regclass('t')::text AS r");
    expect(t.rows[0]!.r).toBeNull();
  });

  it("refuses an applied migration whose file was edited", async () => {
    const conn = await connection();
    const dir = migrationsDir({ "001_a": "CREATE TABLE e (id int);" });
    await migrate(conn, dir);
    fs.writeFileSync(path.join(dir, "001_a", "migration.sql"), "CREATE TABLE e (id bigint);");
    await expect(migrate(conn, dir)).rejects.toBeInstanceOf(MigrationChecksumError);
  });
});
