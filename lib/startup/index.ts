// Process start-up: fail fast on bad configuration, migrate, bootstrap the first admin, start workers.
import "server-only";
import { config } from "@/lib/config";
import { ensureBootstrapAdmin } from "@/lib/users";
import { startMailWorker } from "@/lib/mail";
import { checkReadiness } from "@/lib/health";

export async function onServerStart(): Promise<void> {
  const c = config(); // throws with a readable message on invalid configuration
  const ready = await checkReadiness(60_000); // first use migrates the database
  if (!ready.ready) throw new Error("Portico could not open its database. Check DATABASE_URL (or the .data directory).");
  const admin = await ensureBootstrapAdmin(c.PORTICO_ADMIN_EMAIL, c.PORTICO_ADMIN_PASSWORD);
  if (admin === "created") console.log(`[portico] created the bootstrap administrator ${c.PORTICO_ADMIN_EMAIL}`);
  if (admin === "email_taken") console.warn(`[portico] PORTICO_ADMIN_EMAIL belongs to an existing non-admin account; not changed`);
  startMailWorker();
  console.log(`[portico] ready at ${c.publicUrl} (${c.embeddedDatabase ? "embedded database in " + c.PORTICO_DATA_DIR : "PostgreSQL"}, mail via ${c.SMTP_URL ? "SMTP" : "dev outbox"})`);
}
