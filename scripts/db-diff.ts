// Offline migration authoring: diff the migrations folder against schema.prisma on Prisma's
// WebAssembly engine (shadow database = in-memory PGlite) and write a new migration folder.
// Usage: npm run db:diff -- <name>
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:diff -- <migration_name>");
  process.exit(2);
}
const dir = path.join("prisma", "migrations");
fs.mkdirSync(dir, { recursive: true });
const lock = path.join(dir, "migration_lock.toml");
if (!fs.existsSync(lock)) fs.writeFileSync(lock, 'provider = "postgresql"\n');

const sql = execFileSync(
  "npx",
  ["prisma", "migrate", "diff", "--from-migrations", dir, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (!sql.trim() || /^-- This is an empty migration/m.test(sql)) {
  console.log("schema.prisma matches the migrations: nothing to write");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
const tmp = path.join(dir, `.tmp-${stamp}.sql`);
fs.writeFileSync(tmp, sql);
fs.mkdirSync(target);
fs.renameSync(tmp, path.join(target, "migration.sql"));
console.log(`wrote ${target}/migration.sql`);
