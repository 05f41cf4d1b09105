import crypto from "node:crypto";
import fs from "node:fs";
import { defineConfig } from "@playwright/test";
import { E2E_ADMIN, E2E_BASE_URL, E2E_LOCK_AFTER, E2E_PORT, E2E_REGISTRATION_TOKEN, E2E_SMS_GATEWAY_PORT, E2E_SMS_GATEWAY_TOKEN } from "./e2e/env";

// One id per run, inherited by the workers: e2e/helpers.ts keeps the administrator's TOTP seed under it.
process.env.E2E_RUN_ID ??= crypto.randomBytes(6).toString("hex");

const chromium = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  // 180 s: journeys that read mail or use the console now sign the administrator in with a second step too
  // (its authenticator-app code may wait for the next 30-second step), on machines shared by many runs.
  timeout: 180_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    // scripts/test.mjs builds first and prepares a fresh database in E2E_DATABASE_URL / E2E_DATA_DIR.
    command: "node server.mjs",
    url: `${E2E_BASE_URL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: process.env.E2E_REUSE_SERVER === "1",
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(E2E_PORT),
      PORTICO_URL: E2E_BASE_URL,
      PORTICO_DATA_DIR: process.env.E2E_DATA_DIR ?? ".data/e2e",
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      // Fresh per run, so rate-limit counters in a shared Redis never carry over between runs.
      PORTICO_SECRET: process.env.E2E_SECRET ?? crypto.randomBytes(32).toString("hex"),
      PORTICO_ADMIN_EMAIL: E2E_ADMIN.email,
      PORTICO_ADMIN_PASSWORD: E2E_ADMIN.password,
      PORTICO_DEV_OUTBOX: "1",
      LOGIN_LOCK_AFTER: String(E2E_LOCK_AFTER),
      LOGIN_DELAY_AFTER: "3",
      // Every journey registers its own users, all from 127.0.0.1.
      REGISTRATIONS_PER_IP_HOUR: "500",
      ALTCHA_MAX_NUMBER: "2000",
      OIDC_REGISTRATION_TOKEN: E2E_REGISTRATION_TOKEN,
      // Browsers here are all on loopback, each a new device to the risk engine: the deployment's
      // allow list calms that. e2e/risk.spec.ts forges public addresses, honoured with TRUST_PROXY.
      RISK_ALLOW_NETWORKS: "127.0.0.0/8,::1/128",
      TRUST_PROXY: "1",
      // The SMS gateway and back-channel logout receivers are local stand-ins: the outbound SSRF
      // guard refuses loopback unless told otherwise.
      OUTBOUND_ALLOW_LOOPBACK: "1",
      SMS_GATEWAY_URL: `http://127.0.0.1:${E2E_SMS_GATEWAY_PORT}/sms`,
      SMS_GATEWAY_TOKEN: E2E_SMS_GATEWAY_TOKEN,
    },
  },
});
