// A fresh Portico for the OIDC benches: the production server on a throwaway database, users
// signed up through /register, clients registered dynamically, and consent given once per user so
// measured flows are a returning customer's.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { trackDir } from "./cleanup";
import { FlowError } from "./browser";
import { codeFlow, discover, porticoStepName, porticoSubmit, PORTICO_DEVICE_COOKIES, REDIRECT_URI, SERVICE_SCOPE, type Device, type Side } from "./oidc-sides";
import { MAX_REGISTERED_USERS, registerPorticoClient, registerPorticoUsers } from "./portico-setup";
import { createBenchDatabase, type BenchDatabase } from "./postgres";
import { startServer } from "./server";

/** Measured flows: no consent screen, no second step (a returning customer on a known device). */
export const MEASURED = { allowConsent: false, allowEmailCode: false };

export const REGISTRATION_TOKEN = crypto.randomBytes(24).toString("hex"); // 48 characters, over the 32 minimum

export async function startPortico(root: string, kind: "pglite" | "postgres", pgUrl: string, extra: { nodeArgs?: string[]; stopTimeoutMs?: number; env?: Record<string, string>; beforeStart?: (db: BenchDatabase) => Promise<void> } = {}) {
  const env: Record<string, string> = {
    PORTICO_SECRET: crypto.randomBytes(32).toString("hex"),
    OIDC_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
    // Sign-up mails (setup only) go to the outbox table instead of failing against a missing SMTP server.
    PORTICO_DEV_OUTBOX: "1",
    // The proof of work of the setup's sign-ups: the smallest the server allows. Nothing measured uses it.
    ALTCHA_MAX_NUMBER: "1000",
    ...extra.env,
  };
  // Relative on purpose: lib/db/client.ts joins PORTICO_DATA_DIR onto the cwd (see bench/login.ts).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-bench-"));
  trackDir(dir);
  env.PORTICO_DATA_DIR = path.relative(root, dir);
  let db: BenchDatabase | undefined;
  let label = "Portico on PGlite (embedded)";
  if (kind === "postgres") {
    db = await createBenchDatabase(pgUrl);
    await extra.beforeStart?.(db);
    env.DATABASE_URL = db.url;
    label = `Portico on PostgreSQL ${db.version}`;
  }
  console.log(`[bench] ${label}: starting server…`);
  try {
    const server = await startServer({ root, env, label, nodeArgs: extra.nodeArgs, stopTimeoutMs: extra.stopTimeoutMs });
    return { server, db, label };
  } catch (e) {
    await db?.drop();
    throw e;
  }
}

export async function setupPortico(origin: string, label: string): Promise<Side> {
  const endpoints = await discover(origin);
  // All that registration allows (20 per address and hour): row 5 spreads its emailed codes over
  // them, as Portico sends at most 5 codes per account and quarter hour.
  const count = MAX_REGISTERED_USERS;
  const users = await registerPorticoUsers(origin, count);
  const service = await registerPorticoClient(origin, REGISTRATION_TOKEN, {
    client_name: "bench service",
    grant_types: ["client_credentials"],
    token_endpoint_auth_method: "client_secret_basic",
    redirect_uris: [],
    // RFC 7591 §2: a client-credentials client is allowed only the scopes it registered.
    scope: SERVICE_SCOPE,
  });
  const webapp = await registerPorticoClient(origin, REGISTRATION_TOKEN, {
    client_name: "bench web application",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
    id_token_signed_response_alg: "ES256",
  });
  const side: Side = { label, origin, endpoints, service, webapp: { ...webapp, redirectUri: REDIRECT_URI }, users, stepName: porticoStepName, submit: porticoSubmit, deviceCookies: PORTICO_DEVICE_COOKIES, devices: new Map() };
  await approveConsentOnce(side);
  return side;
}

/** Dynamic registration makes third-party clients, which ask for consent: each user gives it once
 *  (stored, like a returning user's), and the measured flows must then go through without it. */
export async function approveConsentOnce(side: Side): Promise<void> {
  for (const user of side.users) {
    const device: Device = new Map();
    await codeFlow(side, user, { allowConsent: true, allowEmailCode: true }, device);
    side.devices.set(user.email, device);
  }
  try {
    await codeFlow(side, side.users[0]!, MEASURED, side.devices.get(side.users[0]!.email));
  } catch (e) {
    throw new Error(`[bench] ${side.label}: a flow after consent failed: ${e instanceof FlowError ? e.message : e}`);
  }
  console.log(`[bench] ${side.label}: ${side.users.length} users signed up and consented once; clients registered`);
}

