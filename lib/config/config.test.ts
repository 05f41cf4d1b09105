import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./index";

const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "portico-config-"));

describe("configuration", () => {
  it("on a serverless platform (VERCEL) refuses to start without DATABASE_URL and PORTICO_SECRET, and turns the poller off", () => {
    const secret = "a".repeat(64);
    const db = "postgres://u@db.example.com/portico";
    expect(() => parseConfig({ VERCEL: "1", PORTICO_DATA_DIR: dataDir() })).toThrow(/serverless platform \(VERCEL is set\) DATABASE_URL and PORTICO_SECRET must be set/);
    expect(() => parseConfig({ VERCEL: "1", DATABASE_URL: db })).toThrow(/PORTICO_SECRET must be set/);
    expect(() => parseConfig({ VERCEL: "1", PORTICO_SECRET: secret })).toThrow(/DATABASE_URL must be set/);
    const c = parseConfig({ VERCEL: "1", DATABASE_URL: db, PORTICO_SECRET: secret });
    expect(c).toMatchObject({ serverless: true, poller: false });
    expect(parseConfig({ VERCEL: "1", DATABASE_URL: db, PORTICO_SECRET: secret, PORTICO_POLLER: "1" }).poller).toBe(true);
    expect(parseConfig({ PORTICO_DATA_DIR: dataDir() })).toMatchObject({ serverless: false, poller: true });
    expect(parseConfig({ PORTICO_DATA_DIR: dataDir(), PORTICO_POLLER: "0" }).poller).toBe(false);
  });

  it("wants a long CRON_SECRET", () => {
    expect(() => parseConfig({ PORTICO_DATA_DIR: dataDir(), CRON_SECRET: "short" })).toThrow(/CRON_SECRET must be at least 32/);
  });

  it("defaults to port 3000 and a localhost URL, and generates a secret for the embedded default", () => {
    const dir = dataDir();
    const c = parseConfig({ PORTICO_DATA_DIR: dir });
    expect(c.PORT).toBe(3000);
    expect(c.publicUrl).toBe("http://localhost:3000");
    expect(c.secret).toHaveLength(32);
    expect(c.embeddedDatabase).toBe(true);
    // The generated secret is kept: a restart must not invalidate sessions.
    expect(parseConfig({ PORTICO_DATA_DIR: dir }).secret.equals(c.secret)).toBe(true);
    expect(fs.statSync(path.join(dir, "secret")).mode & 0o077).toBe(0);
  });

  it("follows PORT and PORTICO_URL, and uses secure cookies on https", () => {
    const c = parseConfig({ PORT: "8080", PORTICO_URL: "https://id.example.com/", PORTICO_DATA_DIR: dataDir() });
    expect(c.PORT).toBe(8080);
    expect(c.publicUrl).toBe("https://id.example.com");
    expect(c.secureCookies).toBe(true);
  });

  it("refuses a weak secret, a bad port and a non-postgres DATABASE_URL with readable messages", () => {
    expect(() => parseConfig({ PORTICO_SECRET: "abc" })).toThrow(/PORTICO_SECRET must be at least 64 hex/);
    expect(() => parseConfig({ PORT: "99999" })).toThrow(/PORT/);
    expect(() => parseConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must be a postgres/);
  });

  it("requires PORTICO_SECRET in production on PostgreSQL", () => {
    expect(() => parseConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://localhost/x" })).toThrow(/PORTICO_SECRET is required/);
  });

  it("requires the bootstrap admin email and password together, and a long password", () => {
    const base = { PORTICO_DATA_DIR: dataDir() };
    expect(() => parseConfig({ ...base, PORTICO_ADMIN_EMAIL: "a@example.com" })).toThrow(/both/);
    expect(() => parseConfig({ ...base, PORTICO_ADMIN_EMAIL: "a@example.com", PORTICO_ADMIN_PASSWORD: "short" })).toThrow(/PORTICO_ADMIN_PASSWORD/);
  });

  it("shows the dev outbox in development and tests, never in production unless PORTICO_DEV_OUTBOX=1 says so", () => {
    expect(parseConfig({ NODE_ENV: "development", PORTICO_DATA_DIR: dataDir() }).devOutbox).toBe(true);
    expect(parseConfig({ NODE_ENV: "test", PORTICO_DATA_DIR: dataDir() }).devOutbox).toBe(true);
    // `npm start` runs NODE_ENV=production: the embedded database without SMTP no longer turns it on by itself.
    expect(parseConfig({ NODE_ENV: "production", PORTICO_DATA_DIR: dataDir() }).devOutbox).toBe(false);
    expect(
      parseConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://x/y", PORTICO_SECRET: "a".repeat(64) }).devOutbox,
    ).toBe(false);
    expect(parseConfig({ NODE_ENV: "production", SMTP_URL: "smtp://mail:25", PORTICO_DATA_DIR: dataDir() }).devOutbox).toBe(false);
    // Only an explicit switch turns it on in production (scripts/start.mjs does, loudly, for the embedded default).
    expect(parseConfig({ NODE_ENV: "production", PORTICO_DEV_OUTBOX: "1", PORTICO_DATA_DIR: dataDir() }).devOutbox).toBe(true);
    expect(parseConfig({ NODE_ENV: "production", PORTICO_DEV_OUTBOX: "true", PORTICO_DATA_DIR: dataDir() }).devOutbox).toBe(true);
    expect(parseConfig({ NODE_ENV: "development", PORTICO_DEV_OUTBOX: "0", PORTICO_DATA_DIR: dataDir() }).devOutbox).toBe(false);
  });
});
