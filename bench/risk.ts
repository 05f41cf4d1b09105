// npm run bench:risk — the risk engine's cost: decisions per second of the pure pipeline, and
// the latency it adds to a sign-in (gathering facts, deciding, storing; then completing) with
// 10,000 users of history, on PGlite and PostgreSQL. In process, no HTTP: the numbers are the
// engine's own, not the server's. Goal: under 5 ms added at p99.
//
// Environment: BENCH_USERS (10000), BENCH_HISTORY (20 past sign-ins per user), BENCH_SIGNINS
// (2000 measured), BENCH_DATABASES ("pglite,postgres"), BENCH_PG_URL (admin connection).
import crypto from "node:crypto";
import path from "node:path";
import { installSignalHandlers, runCleanups } from "./lib/cleanup";
import { createBenchDatabase } from "./lib/postgres";
import { machineInfo } from "./lib/proc";
import { fmt, replaceSection, table } from "./lib/results";
import { closeDb, getSql, openDatabase, setDb } from "@/lib/db";
import { assessSignIn, completeAssessment, deviceHashOf, evaluateRisk, forgetPolicyCache, newDeviceCookieValue, DEFAULT_RISK_SETTINGS } from "@/lib/risk";
import { authenticateWithPassword } from "@/lib/users";
import { hashPassword } from "@/lib/credentials";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";

const HEADING = "## Risk engine (npm run bench:risk)";
const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(",").map((s) => s.trim()).filter(Boolean);
const settings = {
  users: Number(process.env.BENCH_USERS ?? 10_000),
  history: Number(process.env.BENCH_HISTORY ?? 20),
  signIns: Number(process.env.BENCH_SIGNINS ?? 2000),
  databases: list(process.env.BENCH_DATABASES, "pglite,postgres"),
  pgUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
};
const PASSWORD = "bench passphrase for the risk engine";
const CITIES = [
  { country: "ES", city: "Madrid", lat: 40.42, lon: -3.7, ip: "81.45.3.1" },
  { country: "FR", city: "Paris", lat: 48.86, lon: 2.35, ip: "90.0.0.1" },
  { country: "US", city: "New York", lat: 40.71, lon: -74.0, ip: "8.8.8.8" },
  { country: "JP", city: "Tokyo", lat: 35.69, lon: 139.77, ip: "1.0.16.1" },
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const stats = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
};

/** The pure pipeline on varied facts: no I/O at all. */
function benchPipeline(): { perSecond: number; p50us: number; p99us: number } {
  const now = new Date();
  const facts = Array.from({ length: 10_000 }, (_, i) => {
    const from = CITIES[i % CITIES.length]!;
    const to = CITIES[(i * 7) % CITIES.length]!;
    return {
      at: now,
      method: "password" as const,
      ip: to.ip,
      geo: to,
      ipList: null,
      knownDevice: i % 3 !== 0,
      userAgentFamily: "Chrome on macOS",
      previous: { at: new Date(now.getTime() - (i % 600) * 60_000), geo: from },
      successCount: 30,
      hourHistory: Array.from({ length: 50 }, (_, k) => (21 + (k % 3) + (i % 5)) % 24),
      failures: { account: i % 4, ip: i % 30, accountsFromIp: i % 7 },
      compromisedPassword: false,
      transactionValue: i % 10 === 0 ? 5000 : null,
      clientId: null,
    };
  });
  for (let i = 0; i < 20_000; i++) evaluateRisk(facts[i % facts.length]!, DEFAULT_RISK_SETTINGS); // warm-up
  const samples: number[] = [];
  const n = 200_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    evaluateRisk(facts[i % facts.length]!, DEFAULT_RISK_SETTINGS);
    if (i % 20 === 0) samples.push(performance.now() - t0);
  }
  const elapsed = performance.now() - start;
  const s = stats(samples);
  return { perSecond: n / (elapsed / 1000), p50us: s.p50 * 1000, p99us: s.p99 * 1000 };
}

async function seed(users: number, history: number): Promise<{ ids: string[]; emails: string[] }> {
  const sql = await getSql();
  const hash = await hashPassword(PASSWORD);
  await sql(
    `INSERT INTO "User" ("id", "email", "emailVerifiedAt", "passwordHash", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), 'risk-bench-' || g || '@example.com', now(), $1, now(), now() FROM generate_series(1, $2::int) g`,
    [hash, users],
  );
  // Each user's past: `history` successful sign-ins, an hour apart, from one of four cities.
  await sql(
    `INSERT INTO "RiskAssessment" ("id", "userId", "method", "ip", "country", "city", "latitude", "longitude", "userAgentFamily", "score", "band", "action", "signals", "features", "explanation", "outcome", "createdAt")
     SELECT gen_random_uuid(), u."id", 'password', '81.45.3.1', 'ES', 'Madrid', 40.42, -3.7, 'Chrome on macOS', 0, 'low', 'allow', '[]', '{}', 'nothing unusual', 'succeeded',
            (now() AT TIME ZONE 'UTC') - (k || ' hours')::interval - interval '1 day'
       FROM "User" u CROSS JOIN generate_series(1, $1::int) k WHERE u."email" LIKE 'risk-bench-%'`,
    [history],
  );
  // As a live database would be: statistics up to date, so the planner uses the indexes.
  await sql(`ANALYZE`);
  const rows = await sql<{ id: string; email: string }>(`SELECT "id", "email" FROM "User" WHERE "email" LIKE 'risk-bench-%'`);
  return { ids: rows.map((r) => r.id), emails: rows.map((r) => r.email) };
}

interface DbRow {
  database: string;
  rows: number;
  added: { p50: number; p99: number; mean: number };
  assess: { p50: number; p99: number; mean: number };
  password: { p50: number; p99: number; mean: number };
}

async function benchDatabase(kind: string): Promise<DbRow> {
  const db = kind === "postgres" ? await createBenchDatabase(settings.pgUrl) : null;
  setDb(openDatabase(db ? { databaseUrl: db.url } : { pgliteDir: "memory://" }));
  try {
    // Limiters hold the database they were made with.
    resetLoginThrottleForTests();
    resetFixedWindowLimitsForTests();
    forgetPolicyCache();
    const { ids, emails } = await seed(settings.users, settings.history);
    const devices = ids.map(() => newDeviceCookieValue());
    const added: number[] = [];
    const assessOnly: number[] = [];
    const password: number[] = [];
    for (let i = 0; i < settings.signIns; i++) {
      const k = crypto.randomInt(ids.length);
      const city = CITIES[i % CITIES.length]!;
      const ctx = { ip: city.ip, userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/131.0 Safari/537.36" };
      const p0 = performance.now();
      await authenticateWithPassword({ email: emails[k]!, password: PASSWORD }, ctx);
      const t0 = performance.now();
      const a = await assessSignIn({ userId: ids[k]!, method: "password", ctx, deviceCookie: devices[k], password: PASSWORD });
      const tA = performance.now();
      await completeAssessment(a.id, { hash: deviceHashOf(devices[k])!, userAgent: ctx.userAgent });
      const t1 = performance.now();
      if (i >= 100) {
        // The first 100 warm the caches and the JIT.
        password.push(t0 - p0);
        added.push(t1 - t0);
        assessOnly.push(tA - t0);
      }
    }
    const [count] = await (await getSql())<{ n: string }>(`SELECT count(*) AS n FROM "RiskAssessment"`);
    return { database: kind === "postgres" ? `PostgreSQL ${db!.version}` : "PGlite (embedded)", rows: Number(count?.n ?? 0), added: stats(added), assess: stats(assessOnly), password: stats(password) };
  } finally {
    await closeDb();
    await db?.drop();
  }
}

async function main() {
  installSignalHandlers();
  process.env.PORTICO_SECRET ??= crypto.randomBytes(32).toString("hex");
  const pipeline = benchPipeline();
  console.log(`pipeline: ${Math.round(pipeline.perSecond)} decisions/s, p50 ${fmt(pipeline.p50us)} µs, p99 ${fmt(pipeline.p99us)} µs`);
  const rows: DbRow[] = [];
  for (const kind of settings.databases) {
    const r = await benchDatabase(kind);
    console.log(`${r.database}: added p50 ${fmt(r.added.p50, 2)} ms, p99 ${fmt(r.added.p99, 2)} ms (assess p50 ${fmt(r.assess.p50, 2)}, p99 ${fmt(r.assess.p99, 2)})`);
    rows.push(r);
  }
  const m = machineInfo();
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpu} (${m.cores} cores, ${m.ramGiB} GiB), Node ${m.node}. In process (no HTTP, no Next.js): the engine's own cost. Goal: under 5 ms added at p99.`,
    "",
    "Pure pipeline (signals, score, policy; 10,000 varied sign-ins, default policy):",
    "",
    table(["decisions/s", "p50 µs", "p99 µs"], [[Math.round(pipeline.perSecond), fmt(pipeline.p50us, 2), fmt(pipeline.p99us, 2)]]),
    "",
    `Added to a sign-in: gather facts (history, device, IP lists, failure velocity, compromised list), decide, store and audit; then complete (history, known device). ${settings.users.toLocaleString("en-US")} users with ${settings.history} past sign-ins each; ${settings.signIns - 100} measured sign-ins after 100 of warm-up. The password check (argon2id) of the same sign-ins is shown for scale.`,
    "",
    table(
      ["database", "assessments", "added p50 ms", "added p99 ms", "added mean ms", "of which assess p50 / p99 ms", "password check p50 ms", "password check p99 ms"],
      rows.map((r) => [r.database, r.rows, fmt(r.added.p50, 2), fmt(r.added.p99, 2), fmt(r.added.mean, 2), `${fmt(r.assess.p50, 2)} / ${fmt(r.assess.p99, 2)}`, fmt(r.password.p50, 1), fmt(r.password.p99, 1)]),
    ),
    "",
    "Where the time goes: three sequential round trips (the facts in one statement beside the failure counts; the assessment and its audit event written side by side; the completion with the known device in one statement), each a commit for the writes. On this 2-core machine a single autocommit INSERT on PostgreSQL takes ~0.4 ms at p50 and ~1.9 ms at p99, which is the floor the p99 stands on; the pure decision is microseconds.",
  ].join("\n");
  replaceSection(path.join(process.cwd(), "bench", "RESULTS.md"), HEADING, body);
  console.log(`written to bench/RESULTS.md`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(runCleanups);
