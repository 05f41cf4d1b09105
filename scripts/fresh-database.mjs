// A fresh database for one test run, and how to drop it: a new PostgreSQL database next to
// DATABASE_URL when it is set, else a new directory for the embedded one. Used by `npm test`'s
// browser step and by the SCIM conformance run.
import crypto from "node:crypto";
import fs from "node:fs";
import pg from "pg";

/** `{ databaseUrl }` or `{ dataDir }`, and `drop()`, which removes the database. */
export async function freshDatabase(prefix, embeddedDir) {
  if (process.env.DATABASE_URL) {
    const name = `${prefix}_${crypto.randomBytes(5).toString("hex")}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      databaseUrl: url.toString(),
      drop: async () => {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  return { dataDir: embeddedDir, drop: async () => fs.rmSync(embeddedDir, { recursive: true, force: true }) };
}
