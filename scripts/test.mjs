// `npm test`: the whole suite. Lint, typecheck, unit + integration tests (vitest), the standalone
// server check, then browser e2e (Playwright on Chromium) against a production build on a fresh database.
// DATABASE_URL set -> integration and e2e run on PostgreSQL (a fresh database each); unset -> PGlite.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { buildIfStale } from "./build-if-stale.mjs";
import { freshDatabase } from "./fresh-database.mjs";

const step = (name, cmd, args, env = {}) => {
  console.log(`\n=== ${name}: ${[cmd, ...args].join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
};

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (found) return found;
  console.error(`
No Chromium found for the browser tests.
  Debian/Ubuntu:  sudo apt-get install -y chromium
  Elsewhere:      npx playwright install chromium   (then set CHROMIUM_PATH to its binary)
Or point CHROMIUM_PATH at any Chromium or Chrome binary.`);
  process.exit(1);
}

const only = process.argv[2]; // optional: "unit" or "e2e"
const chromium = only === "unit" ? null : findChromium();
const db = process.env.DATABASE_URL ? "PostgreSQL" : "PGlite";
console.log(`Portico test suite on ${db}${process.env.REDIS_URL ? " + Redis" : ""}`);

if (only !== "e2e") {
  execFileSync("npx", ["prisma", "generate"], { stdio: "ignore" });
  step("lint", "npx", ["eslint", "--max-warnings=0", "."]);
  step("typecheck", "npx", ["tsc", "--noEmit"]);
  step("unit + integration", "npx", ["vitest", "run"]);
}
if (only === "unit") process.exit(0);

buildIfStale();
// The container image's layout (about 20 s on a build that exists): the traced server starts and answers.
step("standalone server", "node", ["scripts/test-standalone.mjs"]);
// Microsoft's Entra SCIM collection with newman against the production server on a fresh database.
step("SCIM conformance", "node", ["scripts/test-scim-conformance.mjs"]);
const e2eEnv = { CHROMIUM_PATH: chromium, E2E_SECRET: crypto.randomBytes(32).toString("hex") };
const e2eDatabase = await freshDatabase("portico_e2e", path.join(".data", `e2e-${crypto.randomBytes(4).toString("hex")}`));
if (e2eDatabase.databaseUrl) e2eEnv.E2E_DATABASE_URL = e2eDatabase.databaseUrl;
else e2eEnv.E2E_DATA_DIR = e2eDatabase.dataDir;
const dropDatabase = e2eDatabase.drop;
console.log(`\n=== browser e2e: npx playwright test`);
const r = spawnSync("npx", ["playwright", "test"], { stdio: "inherit", env: { ...process.env, ...e2eEnv } });
await dropDatabase().catch((e) => console.warn("could not drop the e2e database:", e.message));
if (r.status !== 0) {
  console.error(`\nbrowser e2e failed (exit ${r.status ?? r.signal}).`);
  process.exit(r.status ?? 1);
}
console.log(`\nAll tests passed on ${db}.`);
