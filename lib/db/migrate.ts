// Applies prisma/migrations/*/migration.sql in order, each in its own transaction, recording
// name and sha256 checksum in `_prisma_migrations` (Prisma Migrate's table shape, so the native
// `prisma migrate deploy` can take over). An applied migration whose file changed is an error.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The minimum a database connection must offer to be migrated (pg.Client and PGlite both fit). */
export interface MigrationConnection {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

export class MigrationChecksumError extends Error {
  readonly code = "migration_checksum_mismatch";
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

export function listMigrations(dir = defaultMigrationsDir()) {
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(/*turbopackIgnore: true*/ path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

/** Returns the names of the migrations applied by this call. */
export async function migrate(conn: MigrationConnection, dir = defaultMigrationsDir()): Promise<string[]> {
  await conn.exec(MIGRATIONS_TABLE);
  const { rows } = await conn.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  const done: string[] = [];
  for (const m of listMigrations(dir)) {
    const previous = applied.get(m.name);
    if (previous !== undefined) {
      if (previous !== m.checksum) {
        throw new MigrationChecksumError(`migration ${m.name} was edited after it was applied (checksum differs)`);
      }
      continue;
    }
    await conn.exec("BEGIN");
    try {
      await conn.exec(m.sql);
      await conn.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [crypto.randomUUID(), m.checksum, m.name],
      );
      await conn.exec("COMMIT");
    } catch (e) {
      await conn.exec("ROLLBACK");
      throw e;
    }
    done.push(m.name);
  }
  return done;
}
