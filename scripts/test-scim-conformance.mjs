// `npm run test:scim`: Microsoft's Entra ID SCIM test collection (test/conformance), run with
// newman against the production build on a fresh database (DATABASE_URL set: a new PostgreSQL
// database; unset: a new embedded one). A provisioning token is made with `npm run scim:token`
// first; the collection's count assertions need a directory without SCIM-visible users.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildIfStale } from "./build-if-stale.mjs";
import { freshDatabase } from "./fresh-database.mjs";

const root = process.cwd();
const COLLECTION = path.join(root, "test", "conformance", "scim-entra-postman.json");
const FOLDERS = ["Endpoint tests", "User tests", "Group tests", "ComplexAttribute tests", "User tests with garbage", "Group tests with garbage", "Teardown garbage"];

buildIfStale(root);

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

const env = { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", PORTICO_URL: `http://127.0.0.1:${port}`, PORTICO_SECRET: crypto.randomBytes(32).toString("hex"), NEXT_TELEMETRY_DISABLED: "1" };
delete env.PORTICO_ADMIN_EMAIL;
delete env.PORTICO_ADMIN_PASSWORD;
const database = await freshDatabase("portico_scim", path.join(os.tmpdir(), `portico-scim-${crypto.randomBytes(4).toString("hex")}`));
if (database.databaseUrl) env.DATABASE_URL = database.databaseUrl;
else env.PORTICO_DATA_DIR = database.dataDir;
const cleanup = database.drop;

// The token before the server starts (the embedded database is single-process); it migrates the new database.
const token = execFileSync("npx", ["tsx", "--conditions=react-server", "scripts/scim-token.ts", "--name", "conformance", "--days", "1"], { env, stdio: ["ignore", "pipe", "inherit"] })
  .toString()
  .trim();

const server = spawn(process.execPath, ["server.mjs"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
let output = "";
server.stdout.on("data", (c) => (output += c));
server.stderr.on("data", (c) => (output += c));

let exitCode = 1;
try {
  const started = Date.now();
  let up = false;
  while (!up && Date.now() - started < 90_000 && server.exitCode === null) {
    up = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 500));
  }
  if (!up) throw new Error(`the server did not start:\n${output}`);
  const report = path.join(os.tmpdir(), `portico-scim-${crypto.randomBytes(4).toString("hex")}.json`);
  const args = ["newman", "run", COLLECTION, "--env-var", "Protocol=http", "--env-var", "Server=127.0.0.1", "--env-var", `Port=:${port}`, "--env-var", "Api=scim/v2", "--env-var", `token=${token}`, "--reporters", "cli,json", "--reporter-json-export", report];
  for (const folder of FOLDERS) args.push("--folder", folder);
  const run = spawnSync("npx", args, { stdio: "inherit", env });
  const stats = JSON.parse(fs.readFileSync(report, "utf8")).run.stats.assertions;
  fs.rmSync(report, { force: true });
  const passed = stats.total - stats.failed;
  console.log(`\nSCIM conformance (Entra collection) on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}: ${passed} of ${stats.total} assertions passed.`);
  exitCode = run.status === 0 && stats.failed === 0 ? 0 : 1;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  await cleanup().catch((e) => console.warn("cleanup:", e.message));
}
process.exit(exitCode);
