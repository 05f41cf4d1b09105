// npm run bench:oidc — Portico's OpenID Provider (embedded PGlite and PostgreSQL) against
// node-oidc-provider (in-memory adapter) configured as closely as it allows: the token endpoint
// (client_credentials, client_secret_basic, ES256 JWT access tokens), UserInfo, introspection
// (RFC 7662), and the complete authorization-code flow with PKCE run by virtual users.
//
// Environment: BENCH_SECONDS (measured seconds per row, 10), BENCH_WARMUP_SECONDS (3),
// BENCH_CONNECTIONS (concurrent clients / virtual users, 8), BENCH_SIDES ("pglite,postgres,oidc-provider,oidc-provider-pg":
// the last is oidc-provider with a PostgreSQL adapter and account table, as it would run in production),
// BENCH_PG_URL (admin connection used to create and drop the throwaway database),
// BENCH_PROFILE ("postgres": afterwards, profile Portico on PostgreSQL with node --cpu-prof and report
// its hot spots; "pglite"; "0" = no profile), BENCH_PROFILE_SECONDS (5).
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { installSignalHandlers, runCleanups } from "./lib/cleanup";
import { medianVerifyMs, serverArgon2Params, type Argon2Params } from "./lib/argon2";
import { readProfile, summarize, FrameResolver, type ProfileSummary } from "./lib/cpuprofile";
import { runLoad, type LoadRequest, type ResponseCheck } from "./lib/load";
import {
  basicAuth,
  codeFlow,
  discover,
  oidcProviderStepName,
  oidcProviderSubmit,
  REDIRECT_URI,
  SERVICE_SCOPE,
  type BenchUser,
  type Side,
} from "./lib/oidc-sides";
import { MAX_REGISTERED_USERS } from "./lib/portico-setup";
import { createBenchDatabase, type BenchDatabase } from "./lib/postgres";
import { approveConsentOnce, MEASURED, setupPortico, startPortico } from "./lib/portico-side";
import { machineInfo, treeCpuMs } from "./lib/proc";
import { fmt, replaceSection, table } from "./lib/results";
import { startServer, type RunningServer } from "./lib/server";
import { runVirtualUsers } from "./lib/vus";

const HEADING = "## OpenID Provider (npm run bench:oidc)";

const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(",").map((s) => s.trim()).filter(Boolean);
const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 8),
  sides: list(process.env.BENCH_SIDES, "pglite,postgres,oidc-provider,oidc-provider-pg"),
  pgUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  profile: process.env.BENCH_PROFILE ?? "postgres",
  profileSeconds: Number(process.env.BENCH_PROFILE_SECONDS ?? 5),
};
if (!Number.isInteger(settings.connections) || settings.connections < 1) throw new Error("[bench] BENCH_CONNECTIONS must be one positive integer");

type RowKey = "token" | "userinfo" | "introspection" | "flow" | "flow-new-device" | "discovery";
const ROWS: { key: RowKey; title: string }[] = [
  { key: "token", title: "Token endpoint: client_credentials, client_secret_basic, ES256 JWT access token" },
  { key: "userinfo", title: "UserInfo: GET with a code-flow access token (Bearer)" },
  { key: "introspection", title: "Introspection (RFC 7662) of that access token by its client" },
  { key: "flow", title: "Complete authorization-code flow + PKCE, returning customer on a known device (flows/s; latency of the whole flow)" },
  { key: "flow-new-device", title: "The same flow from a browser never seen before: Portico's risk engine asks for an emailed code, read from the dev outbox (oidc-provider has no such step)" },
  { key: "discovery", title: "Baseline: discovery document (no database, no crypto: the HTTP stack's floor)" },
];

/** One measured row on one side. */
interface Measurement {
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  seconds: number;
  problems: string;
  serverCpuMs: number;
  extraCpuMs: number | null;
  benchCpuMs: number;
  steps?: [string, number][];
  windowUs: [number, number];
}
type SideKey = "pglite" | "postgres" | "op" | "op-argon2" | "op-pg";
const SIDE_TITLES: Record<SideKey, string> = {
  pglite: "Portico PGlite",
  postgres: "Portico PostgreSQL",
  op: "oidc-provider",
  "op-argon2": "oidc-provider + argon2id login",
  "op-pg": "oidc-provider on PostgreSQL + argon2id login",
};
type Results = Partial<Record<SideKey, Partial<Record<RowKey, Measurement>>>>;

/** A first visit from a new browser: the second step by emailed code is part of the flow. */
const FIRST_VISIT = { allowConsent: false, allowEmailCode: true };
/** ~30 first visits in all, under the 64 codes the users have left. */
const FIRST_VISIT_LOAD = { connections: 2, warmupSeconds: 1, seconds: 5 };

const usersFor = (connections: number) => Math.min(connections, MAX_REGISTERED_USERS);

// ---------------------------------------------------------------------------------------------------
// Response checks: a row counts only responses that carry what the endpoint promises.

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

function tokenCheck(): ResponseCheck {
  return (status, _h, body) => {
    if (status !== 200) return false;
    const t = json(body);
    if (typeof t.access_token !== "string" || String(t.token_type).toLowerCase() !== "bearer") return false;
    const parts = t.access_token.split(".");
    if (parts.length !== 3) return false;
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as { alg?: string; typ?: string };
    return header.alg === "ES256" && header.typ === "at+jwt";
  };
}

function discoveryCheck(issuer: string): ResponseCheck {
  return (status, _h, body) => status === 200 && json(body).issuer === issuer;
}

function userinfoCheck(sub: string, email: string): ResponseCheck {
  return (status, _h, body) => {
    if (status !== 200) return false;
    const u = json(body);
    return u.sub === sub && u.email === email;
  };
}

function introspectionCheck(sub: string, clientId: string): ResponseCheck {
  return (status, _h, body) => {
    if (status !== 200) return false;
    const r = json(body);
    return r.active === true && r.sub === sub && r.client_id === clientId;
  };
}

/** Sends `req` once and applies `check`. */
async function once(origin: string, req: LoadRequest, check: ResponseCheck): Promise<{ ok: boolean; status: number; body: string }> {
  const res = await fetch(new URL(req.path, origin), { method: req.method, headers: req.headers, body: req.body === undefined ? undefined : new Uint8Array(Buffer.from(req.body)) });
  const body = await res.text();
  const headers: [string, string][] = [];
  res.headers.forEach((v, k) => headers.push([k, v]));
  let ok = false;
  try {
    ok = check(res.status, headers, body);
  } catch {
    ok = false;
  }
  return { ok, status: res.status, body };
}

// ---------------------------------------------------------------------------------------------------
// Measuring one side: setup is done; run the rows asked for.

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

async function measureSide(side: Side, server: RunningServer, db: BenchDatabase | undefined, rows: RowKey[], timing: { seconds: number; warmupSeconds: number }): Promise<Partial<Record<RowKey, Measurement>>> {
  const out: Partial<Record<RowKey, Measurement>> = {};
  const counters = { serverCpuMs: () => treeCpuMs(server.pid), extraCpuMs: db?.backendCpuMs };
  const form = "application/x-www-form-urlencoded";

  // A code-flow access token for UserInfo and introspection (valid for 900 s on both sides).
  const user = side.users[0]!;
  const { tokens } = await codeFlow(side, user, MEASURED, side.devices.get(user.email));
  const probe = await fetch(side.endpoints.userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  const sub = ((await probe.json()) as { sub?: string }).sub;
  if (probe.status !== 200 || !sub) throw new Error(`[bench] ${side.label}: UserInfo refused a fresh access token (${probe.status})`);
  const tokenShape = tokens.access_token.split(".").length === 3 ? "JWT" : "opaque";

  const plans: Record<Exclude<RowKey, "flow" | "flow-new-device">, { request: LoadRequest; check: ResponseCheck; bad: LoadRequest }> = {
    token: {
      request: {
        method: "POST",
        path: pathOf(side.endpoints.token),
        headers: { authorization: basicAuth(side.service), "content-type": form, accept: "application/json" },
        body: `grant_type=client_credentials&scope=${encodeURIComponent(SERVICE_SCOPE)}`,
      },
      check: tokenCheck(),
      bad: {
        method: "POST",
        path: pathOf(side.endpoints.token),
        headers: { authorization: basicAuth({ ...side.service, clientSecret: "wrong" }), "content-type": form },
        body: `grant_type=client_credentials&scope=${encodeURIComponent(SERVICE_SCOPE)}`,
      },
    },
    userinfo: {
      request: { method: "GET", path: pathOf(side.endpoints.userinfo), headers: { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" } },
      check: userinfoCheck(sub, user.email),
      bad: { method: "GET", path: pathOf(side.endpoints.userinfo), headers: { authorization: `Bearer ${tokens.access_token.slice(0, -4)}AAAA` } },
    },
    discovery: {
      request: { method: "GET", path: "/.well-known/openid-configuration", headers: { accept: "application/json" } },
      check: discoveryCheck(side.endpoints.issuer),
      bad: { method: "GET", path: "/.well-known/openid-configuration-nope", headers: { accept: "application/json" } },
    },
    introspection: {
      request: {
        method: "POST",
        path: pathOf(side.endpoints.introspection),
        headers: { authorization: basicAuth(side.webapp), "content-type": form, accept: "application/json" },
        body: `token=${encodeURIComponent(tokens.access_token)}`,
      },
      check: introspectionCheck(sub, side.webapp.clientId),
      bad: {
        method: "POST",
        path: pathOf(side.endpoints.introspection),
        headers: { authorization: basicAuth(side.webapp), "content-type": form },
        body: `token=${encodeURIComponent(tokens.access_token.slice(0, -4))}AAAA`,
      },
    },
  };

  for (const row of rows) {
    const errorsBefore = server.stderrLines();
    let m: Measurement;
    if (row === "flow" || row === "flow-new-device") {
      const newDevice = row === "flow-new-device";
      let firstVisits = 0;
      const r = await runVirtualUsers({
        // A first visit spends one of the 5 emailed codes a user may get per quarter hour: that row
        // stays within them (16 users, 5 codes each, one spent at setup).
        ...(newDevice ? FIRST_VISIT_LOAD : { connections: settings.connections, warmupSeconds: timing.warmupSeconds, seconds: timing.seconds }),
        counters,
        iteration: async (vu) => {
          if (newDevice) return (await codeFlow(side, side.users[firstVisits++ % side.users.length]!, FIRST_VISIT)).steps;
          const user = side.users[vu % side.users.length]!;
          return (await codeFlow(side, user, MEASURED, side.devices.get(user.email))).steps;
        },
      });
      m = {
        okPerSec: r.iterationsPerSec,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        ok: r.iterations,
        seconds: r.seconds,
        problems: problemsOf(r.failures, 0, 0, r.iterations),
        serverCpuMs: r.serverCpuMs,
        extraCpuMs: r.extraCpuMs,
        benchCpuMs: r.benchCpuMs,
        steps: r.steps,
        windowUs: r.windowUs,
      };
    } else {
      const plan = plans[row];
      // The check must tell a right answer from a wrong one before it judges thousands.
      const good = await once(side.origin, plan.request, plan.check);
      const bad = await once(side.origin, plan.bad, plan.check);
      if (!good.ok) throw new Error(`[bench] ${side.label} / ${row}: a correct request failed the check: ${good.status} ${good.body.slice(0, 300)}`);
      if (bad.ok) throw new Error(`[bench] ${side.label} / ${row}: an invalid request passed the check: ${bad.status} ${bad.body.slice(0, 300)}`);
      const r = await runLoad({ origin: side.origin, request: plan.request, check: plan.check, connections: settings.connections, warmupSeconds: timing.warmupSeconds, seconds: timing.seconds, counters });
      m = {
        okPerSec: r.signInsPerSec,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        ok: r.signIns,
        seconds: r.seconds,
        problems: problemsOf(r.failures, r.errors, r.timeouts, r.signIns),
        serverCpuMs: r.serverCpuMs,
        extraCpuMs: r.extraCpuMs,
        benchCpuMs: r.benchCpuMs,
        windowUs: r.windowUs,
      };
    }
    const stderr = server.stderrLines() - errorsBefore;
    if (stderr) m.problems = [m.problems, `${stderr} stderr lines from the server`].filter(Boolean).join("; ");
    out[row] = m;
    console.log(
      `[bench] ${side.label} / ${row}${row === "userinfo" || row === "introspection" ? ` (${tokenShape} access token)` : ""}: ${fmt(m.okPerSec)} ${row.startsWith("flow") ? "flows" : "req"}/s, ` +
        `p50 ${fmt(m.p50Ms)} ms, p99 ${fmt(m.p99Ms)} ms, server CPU ${fmt(m.serverCpuMs / m.ok, 2)} ms/op` +
        (m.extraCpuMs !== null ? ` + PostgreSQL ${fmt(m.extraCpuMs / m.ok, 2)} ms/op` : "") +
        (m.problems ? `  !! ${m.problems}` : ""),
    );
    if (m.steps) console.log(`[bench]   steps (mean ms): ${m.steps.map(([n, ms]) => `${n} ${fmt(ms)}`).join(", ")}`);
    if (stderr) console.log(server.logTail().split("\n").slice(-10).join("\n"));
    await new Promise((r) => setTimeout(r, 1000)); // let cut-off requests drain before the next warm-up
  }
  return out;
}

function problemsOf(failures: Record<string, number>, errors: number, timeouts: number, ok: number): string {
  const out: string[] = [];
  const failed = Object.entries(failures);
  if (failed.length) out.push(`failed: ${failed.map(([s, n]) => `${n}× ${s}`).join(", ")}`);
  if (errors) out.push(`${errors} socket errors`);
  if (timeouts) out.push(`${timeouts} timeouts`);
  if (!ok) out.push("no successful responses");
  return out.join("; ");
}

// ---------------------------------------------------------------------------------------------------
// Portico

async function runPortico(root: string, kind: "pglite" | "postgres", rows: RowKey[]): Promise<Partial<Record<RowKey, Measurement>>> {
  const { server, db, label } = await startPortico(root, kind, settings.pgUrl);
  try {
    const side = await setupPortico(server.origin, label);
    return await measureSide(side, server, db, rows, settings);
  } finally {
    await server.stop();
    await db?.drop();
  }
}

// ---------------------------------------------------------------------------------------------------
// oidc-provider

async function runOidcProvider(
  root: string,
  passwordCheck: "plain" | "argon2id",
  argon2: Argon2Params,
  rows: RowKey[],
  storage: "memory" | "postgres" = "memory",
): Promise<Partial<Record<RowKey, Measurement>>> {
  const users: BenchUser[] = Array.from({ length: usersFor(settings.connections) }, (_, i) => ({
    email: `bench-user-${i + 1}@example.test`,
    password: crypto.randomBytes(16).toString("hex"),
  }));
  const service = { clientId: "bench-service", clientSecret: crypto.randomBytes(32).toString("base64url") };
  const webapp = { clientId: "bench-webapp", clientSecret: crypto.randomBytes(32).toString("base64url"), redirectUri: REDIRECT_URI };
  const config = {
    clients: [
      { client_id: service.clientId, client_secret: service.clientSecret, client_name: "bench service", grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" },
      {
        client_id: webapp.clientId,
        client_secret: webapp.clientSecret,
        client_name: "bench web application",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "ES256",
      },
    ],
    users,
    passwordCheck,
    argon2,
    storage,
  };
  const label = `oidc-provider${storage === "postgres" ? " on PostgreSQL" : ""}${passwordCheck === "argon2id" ? " + argon2id" : ""}`;
  const db = storage === "postgres" ? await createBenchDatabase(settings.pgUrl) : undefined;
  console.log(`[bench] ${label}: starting server…`);
  const env: Record<string, string> = { BENCH_OP_CONFIG: JSON.stringify(config), ...(db ? { BENCH_OP_DATABASE_URL: db.url } : {}) };
  const server = await startServer({ root, label, script: "bench/lib/oidc-provider-server.mjs", healthPath: "/health", env }).catch(async (e) => {
    await db?.drop();
    throw e;
  });
  try {
    const endpoints = await discover(server.origin);
    const side: Side = { label, origin: server.origin, endpoints, service, webapp, users, stepName: oidcProviderStepName, submit: oidcProviderSubmit, deviceCookies: [], devices: new Map() };
    await approveConsentOnce(side);
    return await measureSide(side, server, db, rows, settings);
  } finally {
    await server.stop();
    await db?.drop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Where Portico's time goes: the same loads against a server run with node --cpu-prof.

interface ProfileResult {
  label: string;
  byRow: Partial<Record<RowKey, { summary: ProfileSummary; ops: number }>>;
}

async function profilePortico(root: string, kind: "pglite" | "postgres"): Promise<ProfileResult> {
  const dir = path.join(root, "bench/.tmp/profiles");
  fs.mkdirSync(dir, { recursive: true });
  const name = `portico-${kind}-${Date.now()}.cpuprofile`;
  const exitHook = pathToFileURL(path.join(root, "bench/lib/exit-on-sigterm.mjs")).href;
  const { server, db, label } = await startPortico(root, kind, settings.pgUrl, {
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, "--import", exitHook],
    stopTimeoutMs: 120_000,
  });
  let measured: Partial<Record<RowKey, Measurement>>;
  try {
    const side = await setupPortico(server.origin, `${label} (profiled)`);
    measured = await measureSide(side, server, db, ROWS.map((r) => r.key), { seconds: settings.profileSeconds, warmupSeconds: 2 });
  } finally {
    await server.stop();
    await db?.drop();
  }
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw new Error(`[bench] no profile written at ${file}`);
  const profile = readProfile(file);
  const resolver = new FrameResolver();
  const byRow: ProfileResult["byRow"] = {};
  for (const [row, m] of Object.entries(measured) as [RowKey, Measurement][]) byRow[row] = { summary: summarize(profile, m.windowUs, resolver), ops: m.ok };
  console.log(`[bench] profile: ${path.relative(root, file)} (open in Chrome DevTools > Performance, or speedscope)`);
  return { label, byRow };
}

// ---------------------------------------------------------------------------------------------------
// The report

function cells(m: Measurement | undefined): string[] {
  if (!m) return ["n/a", "n/a", "n/a"];
  if (m.problems) return ["refused", "—", "—"];
  return [fmt(m.okPerSec), fmt(m.p50Ms), fmt(m.p99Ms)];
}

function ratio(a: Measurement | undefined, b: Measurement | undefined): string {
  if (!a || !b || a.problems || b.problems) return "n/a";
  return `${fmt(a.okPerSec / b.okPerSec, 2)}×`;
}

function report(results: Results, argon2: { medianMs: number; params: Argon2Params }, profile: ProfileResult | null, started: Date, root: string, loadavg: number[]): string {
  const m = machineInfo();
  const version = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
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
    `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.kernel}, ` +
      `Node ${m.node}, Next ${version("next")}, oidc-provider ${version("oidc-provider")}, commit ${commit}; load average before the run ${loadavg.map((l) => l.toFixed(2)).join(" ")}. ` +
      "Every server is one Node process on 127.0.0.1 (NODE_ENV=production); the load generator and PostgreSQL share the same cores.",
    "",
    `Each cell: ${settings.warmupSeconds} s warm-up, then ${settings.seconds} s measured with ${settings.connections} concurrent clients; p50/p99 in ms. ` +
      "Rows 1-3: autocannon (keep-alive) replaying one request; only responses completed in the window count, and only if they are right " +
      "(token: 200 with an ES256 `at+jwt` access token; UserInfo: 200 with the expected `sub` and `email`; introspection: 200, `active: true`, expected `sub` and `client_id`). " +
      `Row 4: ${settings.connections} virtual users (plain fetch, no session cookie, so no SSO) each looping authorize → login page → login post → authorize again → code → token; ` +
      "each user comes back from the same browser (the device cookie Portico's risk engine set on the user's first sign-in is kept between flows, nothing else), so no second step is asked; " +
      "a flow counts if state, `iss` (RFC 9207), the ID token's nonce, audience, issuer and email all check out. " +
      `Row 5: the same flow from a new browser every time: Portico asks for an emailed code (send-code post, the code read from the dev outbox page, code post), Portico only, with ${FIRST_VISIT_LOAD.connections} virtual users for ${FIRST_VISIT_LOAD.warmupSeconds} + ${FIRST_VISIT_LOAD.seconds} s (Portico sends at most 5 codes per account and quarter hour). ` +
      "A cell says \"refused\" when anything in its window failed (see the problems below): its numbers are not reported.",
    "",
  );
  const header = [
    "endpoint",
    ...["Portico PGlite", "Portico PostgreSQL", "oidc-provider (memory)", "oidc-provider (PostgreSQL)"].flatMap((s) => [`${s} req/s`, "p50", "p99"]),
    "Portico (PostgreSQL) ÷ oidc-provider (memory)",
    "Portico (PostgreSQL) ÷ oidc-provider (PostgreSQL)",
  ];
  const body: string[][] = [];
  for (const [i, row] of ROWS.entries()) {
    const pg = results.postgres?.[row.key];
    const op = results.op?.[row.key];
    const title = row.key === "flow" ? `${i + 1}. ${row.title}, oidc-provider comparing passwords in plain` : `${i + 1}. ${row.title}`;
    const opPg = results["op-pg"]?.[row.key];
    body.push([title, ...cells(results.pglite?.[row.key]), ...cells(pg), ...cells(op), ...cells(opPg), ratio(pg, op), ratio(pg, opPg)]);
    if (row.key === "flow" && results["op-argon2"]?.flow) {
      const op2 = results["op-argon2"].flow;
      body.push([`${i + 1}b. Same flow, oidc-provider (memory) verifying an argon2id hash at login like Portico (other cells repeated)`, ...cells(results.pglite?.flow), ...cells(pg), ...cells(op2), ...cells(opPg), ratio(pg, op2), ratio(pg, opPg)]);
    }
  }
  out.push(table(header, body));

  // CPU per operation
  out.push("", "### CPU per operation (ms)", "");
  out.push(
    "Server = utime+stime of the server process over the window ÷ successful operations (/proc; all threads, so argon2 on the libuv pool is included). " +
      "PostgreSQL = its backends serving the bench database (a lower bound). Load generator = this benchmark's own process (autocannon or the virtual users).",
    "",
  );
  const cpuRows: string[][] = [];
  for (const key of ["pglite", "postgres", "op", "op-argon2", "op-pg"] as SideKey[]) {
    for (const row of ROWS) {
      const r = results[key]?.[row.key];
      if (!r) continue;
      cpuRows.push([SIDE_TITLES[key], row.key, fmt(r.serverCpuMs / r.ok, 2), r.extraCpuMs == null ? (key === "pglite" ? "in process" : "—") : fmt(r.extraCpuMs / r.ok, 2), fmt(r.benchCpuMs / r.ok, 2), r.problems || "none"]);
    }
  }
  out.push(table(["server", "endpoint", "server CPU", "PostgreSQL CPU", "load generator CPU", "problems"], cpuRows));
  // Throughput on 2 shared cores also depends on how much the load generator takes; CPU per operation does not.
  const cpuOf = (r: Measurement | undefined) => (r && !r.problems ? (r.serverCpuMs + (r.extraCpuMs ?? 0)) / r.ok : NaN);
  const cpuRatios = ROWS.map((row) => `${row.key} ${fmt(cpuOf(results.postgres?.[row.key]) / cpuOf(results.op?.[row.key]), 1)}×`);
  const flowArgon = fmt(cpuOf(results.postgres?.flow) / cpuOf(results["op-argon2"]?.flow), 1);
  const cpuRatiosPg = ROWS.map((row) => `${row.key} ${fmt(cpuOf(results.postgres?.[row.key]) / cpuOf(results["op-pg"]?.[row.key]), 1)}×`);
  out.push(
    "",
    `Server CPU per operation, Portico on PostgreSQL (its backends included) ÷ oidc-provider (memory): ${cpuRatios.join(", ")}; flow against oidc-provider (memory) with argon2id ${flowArgon}×; ` +
      `÷ oidc-provider on PostgreSQL (its backends included, argon2id login): ${cpuRatiosPg.join(", ")}. ` +
      "This is the steadier comparison: throughput on two shared cores also depends on what the load generator takes (notably for oidc-provider's flow).",
  );

  // Flow steps
  const flowSides = (["pglite", "postgres", "op", "op-argon2", "op-pg"] as SideKey[]).filter((k) => results[k]?.flow?.steps);
  if (flowSides.length) {
    out.push("", "### Authorization-code flow, mean ms per step (under the same load)", "");
    const names = ["authorize", "login page", "login post", "authorize (resume)", "token"];
    out.push(
      table(
        ["server", ...names],
        flowSides.map((k) => {
          const steps = new Map(results[k]!.flow!.steps);
          return [SIDE_TITLES[k], ...names.map((n) => fmt(steps.get(n) ?? NaN))];
        }),
      ),
    );
  }

  if (profile) {
    out.push("", `### Where Portico's time goes (${profile.label}, node --cpu-prof)`, "");
    out.push(
      `Same loads for ${settings.profileSeconds} s each against a server started with \`node --cpu-prof\` (so slower than above); samples taken inside each window only. ` +
        "Each sample goes to its owner: the nearest frame on the stack that belongs to a library or to Portico (source-mapped through Next's minified server chunks), " +
        "so Node core work such as a socket write counts for whoever asked for it. Shares of the main thread's busy time, with ms per operation. " +
        "The profile sees the JavaScript thread only: argon2 runs on the libuv pool and is not in it (the CPU table above includes it).",
      "",
    );
    for (const row of ROWS) {
      const p = profile.byRow[row.key];
      if (!p) continue;
      const busy = p.summary.totalMs - p.summary.idleMs;
      const owners = p.summary.byOwner
        .filter(([, ms]) => ms / busy >= 0.01)
        .map(([o, ms]) => `${o} ${fmt((100 * ms) / busy, 0)}% (${fmt(ms / p.ops, 2)} ms)`)
        .join(", ");
      out.push(`- **${row.key}** (${fmt(busy / p.ops, 2)} ms of main-thread CPU per operation, ${fmt((100 * p.summary.idleMs) / p.summary.totalMs, 0)}% idle): ${owners}.`);
      const top = p.summary.bySelf
        .filter(([l]) => !l.startsWith("(") && l !== "runMicrotasks")
        .slice(0, 5).map(([l, ms]) => `\`${l}\` ${fmt((100 * ms) / busy, 1)}%`).join(", ");
      out.push(`  Heaviest functions (self time): ${top}.`);
    }
  }

  out.push("", "### Configuration", "");
  out.push(
    "- **Portico**: `node server.mjs` (production build), fresh database per run, default settings. Clients registered by dynamic registration (RFC 7591) with `OIDC_REGISTRATION_TOKEN`: " +
      "a client_credentials client and a code-flow client, both confidential with client_secret_basic (secrets stored as SHA-256), ID tokens ES256. " +
      `${MAX_REGISTERED_USERS} users signed up through /register (ALTCHA solved by the script; \`ALTCHA_MAX_NUMBER=1000\`, \`PORTICO_DEV_OUTBOX=1\` only serve that setup). ` +
      "Dynamically registered clients are third-party, so each user approved the consent screen once before measuring (the consent is stored; measured flows must not see it). " +
      "Login is the no-JavaScript server-action form post with `next=/oauth2/authorize?interaction=…`. " +
      "Code-flow access tokens are ES256 JWTs (RFC 9068) backed by a database record holding the token's SHA-256, which UserInfo and introspection look up (a hash match replaces the signature check); " +
      "client-credentials tokens are self-contained ES256 JWTs (nothing stored; revocation lists the jti). " +
      "The protocol endpoints are served by server.mjs's fast path (lib/http/fast-path.ts), the pages and the sign-in action by Next.",
    `- **oidc-provider** ${version("oidc-provider")}: \`bench/lib/oidc-provider-server.mjs\`, in-memory adapter (its default), one ES256 key, static clients equal to Portico's, ` +
      "features clientCredentials, introspection (a client sees only its own tokens, as in Portico), resourceIndicators with a default resource for client_credentials only, " +
      "so those access tokens are ES256 `at+jwt` JWTs (not stored). Code-flow access tokens (scope `openid email profile`) are **opaque**: oidc-provider only accepts audience-less, opaque access tokens at UserInfo; " +
      "UserInfo and introspection then read them from memory. Same lifetimes as Portico (access token 900 s, code 60 s, ID token 3600 s); `conformIdTokenClaims: false` so ID tokens carry the scope's claims as Portico's do. " +
      "Interaction: a minimal login page and consent page in the same process (interactionDetails / interactionFinished); consent is remembered per user and client through `loadExistingGrant`, " +
      "so measured flows skip it as on Portico. Sessions, grants, codes and tokens live in memory: no database at all.",
    "- **oidc-provider (PostgreSQL)**: the same server with storage as a production deployment needs it (its in-memory adapter is for development only): " +
      "`bench/lib/oidc-provider-pg-adapter.mjs`, the common one-table JSONB adapter (sessions, interactions, grants, codes, tokens; indexed grant id, user code, uid) " +
      "in a throwaway database on the same PostgreSQL server as Portico's, accounts in a table read on every use, and argon2id at login like Portico. " +
      "Client-credentials tokens are JWTs and not stored, as above.",
    `- **Password check**: Portico verifies an argon2id hash on every login (@node-rs/argon2, ${argon2.params.memoryCost} KiB, t=${argon2.params.timeCost}, p=${argon2.params.parallelism}: ` +
      `${fmt(argon2.medianMs, 1)} ms median here, on the libuv pool) and also checks login throttling, creates a session record and writes audit events. ` +
      "oidc-provider's interaction is written by the deployer; row 4 compares plain strings (what its examples do), row 4b verifies the same argon2id hash with the same library and parameters.",
    "- oidc-provider 9 asks for Node 22 and warns at start under Node 20; everything here ran on the same Node.",
  );
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  installSignalHandlers();
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, "server.mjs"))) throw new Error("[bench] run from the repository root (npm run bench:oidc)");
  const started = new Date();
  const loadavg = os.loadavg();
  if (loadavg[0]! > 0.5 * os.availableParallelism()) console.warn(`[bench] the machine is busy (load average ${loadavg[0]!.toFixed(2)}): numbers will be low and noisy`);

  const { buildIfStale } = (await import(pathToFileURL(path.join(root, "scripts/build-if-stale.mjs")).href)) as { buildIfStale: (root?: string) => boolean };
  buildIfStale(root);

  const params = serverArgon2Params(root);
  const argon2 = await medianVerifyMs(params, crypto.randomBytes(16).toString("hex"));
  console.log(`[bench] argon2id verify (m=${params.memoryCost}, t=${params.timeCost}, p=${params.parallelism}): median ${fmt(argon2.medianMs, 2)} ms`);

  const results: Results = {};
  const all = ROWS.map((r) => r.key);
  // oidc-provider has no risk engine: a first visit is the same flow for it.
  const peerRows = all.filter((k) => k !== "flow-new-device");
  for (const side of settings.sides) {
    if (side === "pglite" || side === "postgres") results[side] = await runPortico(root, side, all);
    else if (side === "oidc-provider") {
      results.op = await runOidcProvider(root, "plain", params, peerRows);
      results["op-argon2"] = await runOidcProvider(root, "argon2id", params, ["flow"]);
    } else if (side === "oidc-provider-pg") results["op-pg"] = await runOidcProvider(root, "argon2id", params, peerRows, "postgres");
    else throw new Error(`[bench] unknown side "${side}" (use pglite, postgres, oidc-provider, oidc-provider-pg)`);
  }

  let profile: ProfileResult | null = null;
  if (settings.profile === "postgres" || settings.profile === "pglite") profile = await profilePortico(root, settings.profile);

  const file = path.join(root, "bench/RESULTS.md");
  replaceSection(file, HEADING, report(results, { medianMs: argon2.medianMs, params }, profile, started, root, loadavg));
  console.log(`[bench] wrote ${path.relative(root, file)}`);
  const bad = Object.values(results).flatMap((r) => Object.values(r ?? {})).filter((m) => m.problems);
  if (bad.length) {
    console.error(`[bench] ${bad.length} row(s) failed their correctness checks and are reported as "refused".`);
    process.exitCode = 1;
  }
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  })
  .finally(() => runCleanups());
