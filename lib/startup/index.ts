// Process start-up: fail fast on bad configuration, migrate, bootstrap the first admin, and, where
// the process lives long (a container), start the poller. The outbox's queues register themselves
// when their domains load: mail (lib/mail), account jobs (lib/users), HTTP deliveries (lib/outbound),
// data exports (lib/privacy), identity events (lib/events), user imports and exports (lib/user-import),
// outbound provisioning jobs (lib/provisioning, also the identity events' sink that queues them),
// webhook deliveries (lib/webhooks, which also syncs the risk-alert webhook of the configuration).
import "server-only";
import { config } from "@/lib/config";
import { administratorExists, ensureBootstrapAdmin } from "@/lib/users";
import "@/lib/mail";
import "@/lib/outbound";
import "@/lib/privacy";
import "@/lib/events";
import "@/lib/user-import";
import "@/lib/provisioning";
import { syncConfiguredWebhook } from "@/lib/webhooks";
import { drainOutbox, startOutboxWorker, type DrainSummary } from "@/lib/outbox";
import { ensureDatabase } from "@/lib/health";
import { ensureSigningKeys } from "@/lib/keys";
import { definitionsWithUnusablePatterns } from "@/lib/profile";
import { startJanitor, sweepExpiredState } from "./janitor";

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
  const webhook = await syncConfiguredWebhook(); // RISK_ALERT_WEBHOOK_* as a subscription to risk.alert
  if (webhook !== "unchanged" && webhook !== "none") console.log(`[portico] risk-alert webhook subscription ${webhook} from the configuration`);
  for (const { name, problem } of await definitionsWithUnusablePatterns()) {
    console.warn(`[portico] !!! Custom attribute "${name}" has a pattern that cannot be used, so every value is refused until an administrator edits it (Admin → Attributes): ${problem}`);
  }
  if (c.poller) {
    startOutboxWorker(); // mail, account jobs, back-channel logout and other HTTP deliveries
    startJanitor(); // expired codes, tokens, interactions, old outbox rows
  }
  if (c.devOutbox) console.warn(await devOutboxNotice(c.publicUrl, c.PORT));
  console.log(`[portico] ready at ${c.publicUrl} (${c.embeddedDatabase ? "embedded database in " + c.PORTICO_DATA_DIR : "PostgreSQL"}, mail via ${c.SMTP_URL ? "SMTP" : "dev outbox"}, ${c.poller ? "background work in process" : "background work after responses and by cron"})`);
}

export interface BackgroundWorkSummary {
  outbox: DrainSummary;
  janitor: Record<string, number> | { error: string };
  ms: number;
}

/**
 * Everything the poller would do, once, within `budgetMs`: drain every queue, then the janitor's
 * pass. What the cron route runs where no process stays up between requests.
 */
export async function runBackgroundWork(opts: { budgetMs: number }): Promise<BackgroundWorkSummary> {
  const started = Date.now();
  const outbox = await drainOutbox({ budgetMs: opts.budgetMs });
  let janitor: BackgroundWorkSummary["janitor"];
  try {
    janitor = await sweepExpiredState();
  } catch (e) {
    console.error("[portico] janitor failed (will retry)", e);
    janitor = { error: "janitor failed" };
  }
  return { outbox, janitor, ms: Date.now() - started };
}

/** Said loudly at every start while the dev outbox is on: it holds live secrets, and how to read it. */
async function devOutboxNotice(publicUrl: string, port: number): Promise<string> {
  const how = (await administratorExists())
    ? `Only an administrator (signed in with two-step verification) can read it: ${publicUrl}/dev/mail`
    : `No administrator exists yet, so only a browser on this machine can read it: http://localhost:${port}/dev/mail ` +
      `(open your verification mail there; set PORTICO_ADMIN_EMAIL and PORTICO_ADMIN_PASSWORD to create an administrator, who then reads it from anywhere)`;
  return [
    "[portico] !!! The dev outbox (/dev/mail) is ON. It holds LIVE SECRETS: sign-in codes, verification and password reset links.",
    `[portico] !!! ${how}.`,
    "[portico] !!! Never run it in production: set SMTP_URL and leave PORTICO_DEV_OUTBOX unset (or 0).",
  ].join("\n");
}
