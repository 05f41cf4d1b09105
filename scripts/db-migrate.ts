// `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded database.
// (The server also migrates itself at start; this is for deploy pipelines and for checking.)
import { openDatabase, defaultDbOptions } from "../lib/db/client";

async function main() {
  const opts = defaultDbOptions();
  const handle = await openDatabase(opts);
  const rows = await handle.db.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`;
  console.log(`${opts.databaseUrl ? "PostgreSQL" : `PGlite (${opts.pgliteDir})`}: ${rows.length} migrations applied`);
  for (const r of rows) console.log(`  ${r.migration_name}`);
  await handle.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
