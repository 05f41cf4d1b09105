// `npm start`: build when needed, then serve in production mode. With no DATABASE_URL the embedded
// PGlite database in .data/ is created and migrated on first start.
//
// The dev outbox (/dev/mail) never turns itself on in production. A first trial of `npm start` (the
// embedded database, no SMTP_URL) still needs to read its verification mail, so this script turns it
// on explicitly for that case only, and says loudly that the page holds live secrets.
import { spawn } from "node:child_process";
import nextEnv from "@next/env";
import { buildIfStale } from "./build-if-stale.mjs";

buildIfStale();
// The same .env files Next reads, so a DATABASE_URL or SMTP_URL kept there counts here too.
nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
const env = { ...process.env, NODE_ENV: "production" };
if (!env.DATABASE_URL && !env.SMTP_URL && env.PORTICO_DEV_OUTBOX === undefined) {
  env.PORTICO_DEV_OUTBOX = "1";
  console.warn(
    [
      "",
      "[portico] !!! DEV OUTBOX ON: no SMTP_URL, so mail is kept in the dev outbox at /dev/mail instead of being sent.",
      "[portico] !!! It holds LIVE SECRETS (sign-in codes, verification and password reset links).",
      "[portico] !!! Only an administrator can read it; until one exists, only a browser on this machine (http://localhost).",
      "[portico] !!! For a real deployment set SMTP_URL (and DATABASE_URL); set PORTICO_DEV_OUTBOX=0 to turn the outbox off.",
      "",
    ].join("\n"),
  );
}
const child = spawn(process.execPath, ["server.mjs"], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
