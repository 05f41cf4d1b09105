// npm run bench:login — password sign-in throughput, latency and CPU cost, on the embedded
// database (PGlite) and on PostgreSQL, through the real `loginAction` server action.
//
// Environment: BENCH_SECONDS (measured seconds per level, 10), BENCH_WARMUP_SECONDS (3),
// BENCH_CONNECTIONS ("1,8,32"), BENCH_MODES ("js,form"), BENCH_DATABASES ("pglite,postgres"),
// BENCH_PG_URL (admin connection used to create and drop the throwaway database).
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { installSignalHandlers, runCleanups, trackDir } from "./lib/cleanup";
import { medianVerifyMs, serverArgon2Params } from "./lib/argon2";
import { runLoad, type LoadResult } from "./lib/load";
import { createBenchDatabase, type BenchDatabase } from "./lib/postgres";
import { machineInfo, treeCpuMs } from "./lib/proc";
import { fmt, replaceSection, table } from "./lib/results";
import { startServer } from "./lib/server";
import { buildSignInRequest, findLoginActionId, verifySignIn, withCookie, type Mode, type SignInRequest } from "./lib/server-action";

const HEADING = "## Password sign-in (npm run bench:login)";
const MODE_TITLES: Record<Mode, string> = {
  js: "Browser with JavaScript: `Next-Action` fetch, 200 + session cookie + `{ redirectTo }` (the page navigates itself)",
  form: "Browser without JavaScript: multipart form post, 303 to /account",
};

const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(",").map((s) => s.trim()).filter(Boolean);
const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  connections: list(process.env.BENCH_CONNECTIONS, "1,8,32").map(Number),
  modes: list(process.env.BENCH_MODES, "js,form") as Mode[],
  databases: list(process.env.BENCH_DATABASES, "pglite,postgres"),
  pgUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
};

interface Row {
  database: string;
  mode: Mode;
  load: LoadResult;
  serverErrorLines: number;
}

async function benchDatabase(root: string, kind: string, actionId: string, argon2Ms: number): Promise<Row[]> {
  const email = "bench-admin@example.com";
  const password = crypto.randomBytes(16).toString("hex"); // 32 chars: over the 15-char single-factor minimum
  const env: Record<string, string> = {
    PORTICO_SECRET: crypto.randomBytes(32).toString("hex"),
    PORTICO_ADMIN_EMAIL: email,
    PORTICO_ADMIN_PASSWORD: password,
  };
  let db: BenchDatabase | undefined;
  let label: string;
  if (kind === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-bench-"));
    trackDir(dir);
    // Relative on purpose: lib/db/client.ts path.join()s PORTICO_DATA_DIR onto the cwd, which
    // turns an absolute /tmp/... into /work/main/tmp/... (PGlite then fails to open it).
    env.PORTICO_DATA_DIR = path.relative(root, dir);
    label = "PGlite (embedded)";
  } else if (kind === "postgres") {
    db = await createBenchDatabase(settings.pgUrl);
    env.DATABASE_URL = db.url;
    // An empty data dir keeps a stray .data/secret from being read; PORTICO_SECRET is set anyway.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-bench-"));
    trackDir(dir);
    env.PORTICO_DATA_DIR = path.relative(root, dir);
    label = `PostgreSQL ${db.version}`;
  } else {
    throw new Error(`[bench] unknown database "${kind}" (use pglite, postgres)`);
  }

  console.log(`[bench] ${label}: starting server…`);
  const server = await startServer({ root, env, label });
  const rows: Row[] = [];
  let device: string | undefined;
  try {
    for (const mode of settings.modes) {
      const base = { mode, root, origin: server.origin, actionId, email };
      // The browser of the first verified sign-in comes back for every later one (a known device).
      const asBrowser = (req: SignInRequest) => (device ? withCookie(req, device) : req);
      const bad = asBrowser(await buildSignInRequest({ ...base, password: password + "x" }));
      device = (await verifySignIn({ mode, origin: server.origin, good: asBrowser(await buildSignInRequest({ ...base, password })), bad })).deviceCookie;
      const good = withCookie(await buildSignInRequest({ ...base, password }), device);
      console.log(`[bench] ${label} / ${mode}: verified (wrong password refused; right one sets portico.session that opens /account)`);

      for (const connections of settings.connections) {
        const errorsBefore = server.stderrLines();
        const load = await runLoad({
          origin: server.origin,
          mode,
          request: good,
          connections,
          warmupSeconds: settings.warmupSeconds,
          seconds: settings.seconds,
          counters: { serverCpuMs: () => treeCpuMs(server.pid), extraCpuMs: db?.backendCpuMs },
        });
        const row: Row = { database: label, mode, load, serverErrorLines: server.stderrLines() - errorsBefore };
        rows.push(row);
        const cpu = load.serverCpuMs / load.signIns;
        console.log(
          `[bench] ${label} / ${mode} / ${connections} clients: ${fmt(load.signInsPerSec)} sign-ins/s, p50 ${fmt(load.p50Ms)} ms, ` +
            `p99 ${fmt(load.p99Ms)} ms, ${fmt(cpu)} CPU ms/sign-in (argon2 ${fmt(argon2Ms)} ms = ${fmt((100 * argon2Ms) / cpu, 0)}%)` +
            (problems(row) ? `  !! ${problems(row)}` : ""),
        );
        if (row.serverErrorLines) console.log(server.logTail().split("\n").slice(-10).join("\n"));
        await new Promise((r) => setTimeout(r, 1000)); // let cut-off requests drain before the next warm-up
      }
    }
  } finally {
    await server.stop();
    await db?.drop();
  }
  return rows;
}

/** Anything that makes a row less than a clean run of successful sign-ins. */
function problems(r: Row): string {
  const out: string[] = [];
  const failed = Object.entries(r.load.failures);
  if (failed.length) out.push(`responses without a sign-in: ${failed.map(([s, n]) => `${n}× ${s}`).join(", ")}`);
  if (r.load.errors) out.push(`${r.load.errors} socket errors`);
  if (r.load.timeouts) out.push(`${r.load.timeouts} timeouts`);
  if (r.serverErrorLines) out.push(`${r.serverErrorLines} stderr lines from the server`);
  if (!r.load.signIns) out.push("no sign-ins");
  return out.join("; ");
}

function report(rows: Row[], argon2: { medianMs: number; params: string }, started: Date, root: string): string {
  const m = machineInfo();
  const nextVersion = (JSON.parse(fs.readFileSync(path.join(root, "node_modules/next/package.json"), "utf8")) as { version: string }).version;
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "app", "lib", "components"], { cwd: root, encoding: "utf8" }).trim();
    if (dirty) commit += " (plus uncommitted changes in app/, lib/ or components/)";
  } catch {
    // not a git checkout
  }

  const out: string[] = [];
  out.push(
    `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ` +
      `${m.kernel}, Node ${m.node}, Next ${nextVersion}, commit ${commit}. ` +
      `Server: \`node server.mjs\` (NODE_ENV=production) on 127.0.0.1; load generator (autocannon, keep-alive) on the same machine.`,
    "",
    `Each row: ${settings.warmupSeconds} s warm-up, then ${settings.seconds} s measured with that many connections each ` +
      "posting a correct email and password to /login in a loop, from a known browser (the risk engine's device cookie " +
      "from a first sign-in is sent back, as a returning customer's browser does; without it every sign-in would be a new " +
      "device and get a second step by email). Only sign-ins that completed inside the measured window " +
      "and returned the `portico.session` cookie with the redirect to /account count; CPU is the server process's " +
      "utime+stime (/proc, all threads, so argon2 on the libuv pool is included) over the same window. " +
      `argon2 ms = median of 30 in-process @node-rs/argon2 verifications with the server's parameters (${argon2.params}); ` +
      "argon2 share = argon2 ms × sign-ins ÷ server CPU.",
  );
  const header = ["database", "clients", "sign-ins/s", "p50 ms", "p99 ms", "CPU ms per sign-in", "argon2 ms", "argon2 share"];
  for (const mode of settings.modes) {
    const mine = rows.filter((r) => r.mode === mode);
    if (!mine.length) continue;
    out.push("", `### ${MODE_TITLES[mode]}`, "");
    out.push(
      table(
        header,
        mine.map((r) => {
          const cpu = r.load.serverCpuMs / r.load.signIns;
          return [
            r.database,
            r.load.connections,
            fmt(r.load.signInsPerSec),
            fmt(r.load.p50Ms),
            fmt(r.load.p99Ms),
            fmt(cpu),
            fmt(argon2.medianMs),
            `${fmt((100 * argon2.medianMs) / cpu, 0)}%`,
          ];
        }),
      ),
    );
  }

  out.push("", "### Where the rest of the time goes", "");
  out.push(
    "Framework = server CPU per sign-in − argon2 (Next routing and proxy.ts, action decoding, React rendering, " +
      "Prisma and, for PGlite, the database itself, which runs inside the server process). PostgreSQL = CPU of its " +
      "backends serving this database (a separate process, not in the server's figure; a lower bound). Load generator = " +
      "autocannon's CPU, which competes for the same cores.",
    "",
  );
  out.push(
    table(
      ["database", "request", "clients", "framework ms per sign-in", "PostgreSQL ms per sign-in", "load generator ms per sign-in", "problems"],
      rows.map((r) => [
        r.database,
        r.mode === "js" ? "with JS" : "no JS",
        r.load.connections,
        fmt(r.load.serverCpuMs / r.load.signIns - argon2.medianMs),
        r.load.extraCpuMs === null ? "in process" : fmt(r.load.extraCpuMs / r.load.signIns),
        fmt(r.load.benchCpuMs / r.load.signIns),
        problems(r) || "none",
      ]),
    ),
  );
  return out.join("\n");
}

async function main() {
  installSignalHandlers();
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, "server.mjs"))) throw new Error("[bench] run from the repository root (npm run bench:login)");
  const started = new Date();

  // A .mjs helper without type declarations: import it by URL so TypeScript doesn't need its types.
  const { buildIfStale } = (await import(pathToFileURL(path.join(root, "scripts/build-if-stale.mjs")).href)) as {
    buildIfStale: (root?: string) => boolean;
  };
  buildIfStale(root);
  const actionId = findLoginActionId(root);
  console.log(`[bench] loginAction id ${actionId}`);

  // Before any server starts, so nothing else competes for the CPU.
  const params = serverArgon2Params(root);
  const argon2 = await medianVerifyMs(params, crypto.randomBytes(16).toString("hex"));
  console.log(`[bench] argon2id verify (m=${params.memoryCost}, t=${params.timeCost}, p=${params.parallelism}): median ${fmt(argon2.medianMs, 2)} ms`);

  const rows: Row[] = [];
  for (const kind of settings.databases) rows.push(...(await benchDatabase(root, kind, actionId, argon2.medianMs)));

  const file = path.join(root, "bench/RESULTS.md");
  replaceSection(file, HEADING, report(rows, { medianMs: argon2.medianMs, params: `m=${params.memoryCost}, t=${params.timeCost}, p=${params.parallelism}` }, started, root));
  console.log(`[bench] wrote ${path.relative(root, file)}`);
  const bad = rows.filter(problems);
  if (bad.length) {
    console.error(`[bench] ${bad.length} row(s) had problems (see the "problems" column): the numbers there are suspect.`);
    process.exitCode = 1;
  }
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => runCleanups());
