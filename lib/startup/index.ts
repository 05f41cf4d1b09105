// Process start-up: fail fast on bad configuration, migrate, bootstrap the first admin, start workers.
import "server-only";
import { config } from "@/lib/config";
import { ensureBootstrapAdmin } from "@/lib/users";
import { startMailWorker } from "@/lib/mail";
import { startHttpWorker } from "@/lib/outbound";
import { ensureDatabase } from "@/lib/health";
import { ensureSigningKeys } from "@/lib/keys";
import { startJanitor } from "./janitor";

export async function onServerStart(): Promise<void> {
  const c = config(); // throws with a readable message on invalid configuration
  try {
    await ensureDatabase(); // first use migrates the database
  } catch (e) {
    const where = c.embeddedDatabase ? `the embedded database in ${c.PORTICO_DATA_DIR}/pglite` : "DATABASE_URL";
    throw new Error(`Portico could not open ${where}: ${(e as Error).message}`, { cause: e });
  }
  await ensureSigningKeys(); // first start creates the keys; later starts load them into memory
  const admin = await ensureBootstrapAdmin(c.PORTICO_ADMIN_EMAIL, c.PORTICO_ADMIN_PASSWORD);
  if (admin === "created") console.log(`[portico] created the bootstrap administrator ${c.PORTICO_ADMIN_EMAIL}`);
  if (admin === "email_taken") console.warn(`[portico] PORTICO_ADMIN_EMAIL belongs to an existing non-admin account; not changed`);
  startMailWorker();
  startHttpWorker(); // back-channel logout tokens (and later webhooks)
  startJanitor(); // expired codes, tokens, interactions
  console.log(`[portico] ready at ${c.publicUrl} (${c.embeddedDatabase ? "embedded database in " + c.PORTICO_DATA_DIR : "PostgreSQL"}, mail via ${c.SMTP_URL ? "SMTP" : "dev outbox"})`);
}
