// npm run bench:admin — the admin console's queries at scale, in process (no HTTP): each case's
// p50 and p99 at 10,000 and at 1,000,000 customers in the dedicated database portico_bench_admin,
// and each case's query plan at the largest size: a sequential scan of "User" there fails the run
// (non-zero exit). Also what the user list's indexes cost a sign-in (its UPDATE of lastLoginAt),
// with and without them. Results: bench/RESULTS.md, section "Admin: user search".
//
// Sections (bench/lib/admin-cases.ts AdminBenchSection): bench/lib/admin-user-search.ts (the user
// list) and bench/lib/admin-dashboard.ts (the analytics dashboard over seeded rollups).
//
// Environment: BENCH_SIZES (10000,1000000), BENCH_READS (500 per case), BENCH_WARMUP (30),
// BENCH_SIGNINS (2000), BENCH_PG_URL (admin connection), BENCH_KEEP_DB=1 (keep the database).
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { installSignalHandlers, runCleanups } from "./lib/cleanup";
import { machineInfo } from "./lib/proc";
import { fmt, replaceSection, table } from "./lib/results";
import { loadUsers, recreateBenchDatabase, sampleUsers } from "./lib/users-dataset";
import type { AdminBenchContext, AdminBenchSection } from "./lib/admin-cases";
import { section as userSearch } from "./lib/admin-user-search";
import { section as dashboard } from "./lib/admin-dashboard";
import { closeDb, getDb, getSql, openDatabase, setDb } from "@/lib/db";

const HEADING = "## Admin: user search (npm run bench:admin)";
const settings = {
  sizes: (process.env.BENCH_SIZES ?? "10000,1000000").split(",").map(Number),
  reads: Number(process.env.BENCH_READS ?? 500),
  warmup: Number(process.env.BENCH_WARMUP ?? 30),
  signIns: Number(process.env.BENCH_SIGNINS ?? 2000),
  pgUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  keep: process.env.BENCH_KEEP_DB === "1",
};
const P99_GOAL_MS = 50;
const GROWTH_GOAL = 1.5;
/** The user list's indexes (migration 20261214100000_user_search_indexes), for the sign-in cost comparison. */
const LIST_INDEXES = ["User_createdAt_id_idx", "User_lastLogin_id_idx", "User_email_prefix_idx", "User_displayName_prefix_idx", "User_givenName_prefix_idx", "User_familyName_prefix_idx", "User_phoneNumber_prefix_idx", "User_flagged_createdAt_idx"];

async function sections(): Promise<AdminBenchSection[]> {
  return [userSearch, dashboard];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(run: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < settings.warmup; i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < settings.reads; i++) {
    const t0 = performance.now();
    await run(settings.warmup + i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Each case's distinct plans over its first variations; a Seq Scan on "User" is a finding. */
async function checkPlans(name: string, plan: (i: number) => Promise<string>, variations: number): Promise<{ seqScans: string[]; shapes: Set<string> }> {
  const seqScans: string[] = [];
  const shapes = new Set<string>();
  for (let i = 0; i < variations; i++) {
    const text = await plan(i);
    if (/Seq Scan on "User"/.test(text)) seqScans.push(`${name} #${i}:\n${text}`);
    // The plan's node types, top down: enough to tell an index walk from a bitmap scan and sort.
    shapes.add([...text.matchAll(/(?:->\s+|^)([A-Z][A-Za-z ]+?)(?: on | using |\s{2}|\()/gm)].map((m) => m[1]!.trim()).join(" > "));
  }
  return { seqScans, shapes };
}

interface CaseResult {
  p50: number;
  p99: number;
}

/**
 * The sign-in's UPDATE (lib/users/users.repo.ts recordSignInTime) on sampled customers, one at a
 * time, without waiting for the WAL flush (synchronous_commit off: the flush would hide the index
 * work): its time, the WAL it writes (every index entry it adds is WAL), and the share of HOT updates.
 */
async function signInCost(url: string): Promise<{ meanMs: number; p99: number; walBytes: number; hotShare: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("SET synchronous_commit TO off");
    const { rows: ids } = await c.query<{ id: string }>(`SELECT "id" FROM "User" TABLESAMPLE SYSTEM (1) LIMIT $1`, [settings.signIns]);
    const stats = async () => (await c.query<{ upd: string; hot: string }>(`SELECT n_tup_upd::text AS upd, n_tup_hot_upd::text AS hot FROM pg_stat_user_tables WHERE relname = 'User'`)).rows[0]!;
    const before = await stats();
    const walBefore = (await c.query<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn")).rows[0]!.lsn;
    const samples: number[] = [];
    for (const [i, { id }] of ids.entries()) {
      const at = new Date(Date.now() + i).toISOString();
      const t0 = performance.now();
      await c.query(`UPDATE "User" SET "lastLoginAt" = $2, "updatedAt" = $2 WHERE "id" = $1::uuid`, [id, at]);
      samples.push(performance.now() - t0);
    }
    const wal = (await c.query<{ bytes: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)::text AS bytes", [walBefore])).rows[0]!.bytes;
    await new Promise((r) => setTimeout(r, 1500)); // the statistics arrive with a delay
    const after = await stats();
    samples.sort((a, b) => a - b);
    const upd = Number(after.upd) - Number(before.upd);
    const hot = Number(after.hot) - Number(before.hot);
    return { meanMs: samples.reduce((a, b) => a + b, 0) / samples.length, p99: percentile(samples, 99), walBytes: Number(wal) / ids.length, hotShare: upd ? hot / upd : 0 };
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  installSignalHandlers();
  const now = new Date();
  const { url, version } = await recreateBenchDatabase(settings.pgUrl, settings.keep);
  setDb(openDatabase({ databaseUrl: url }));
  await getDb(); // migrates
  const all = await sections();
  const results = new Map<string, Map<number, CaseResult>>();
  const planNotes: string[] = [];
  const failures: string[] = [];
  const loadSeconds: string[] = [];
  let loaded = 0;
  const largest = Math.max(...settings.sizes);

  const loads: number[] = [];
  for (const size of settings.sizes) {
    const t0 = performance.now();
    await loadUsers(url, loaded, size, now);
    loadSeconds.push(`${size.toLocaleString("en")}: ${fmt((performance.now() - t0) / 1000, 0)} s`);
    loaded = size;
    console.log(`[bench] ${size.toLocaleString("en")} customers loaded in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    const ctx: AdminBenchContext = { users: size, actor: { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] }, sample: await sampleUsers(url, size, 200), now };
    for (const section of all) {
      for (const c of await section(ctx)) {
        const r = await measure(c.run);
        loads.push(os.loadavg()[0]!);
        if (!results.has(c.name)) results.set(c.name, new Map());
        results.get(c.name)!.set(size, r);
        console.log(`[bench] ${size.toLocaleString("en")} ${c.name}: p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms`);
        if (c.plan) {
          const { seqScans, shapes } = await checkPlans(c.name, c.plan, 20);
          if (size === largest) {
            planNotes.push(`- ${c.name}: ${[...shapes].join("; ")}`);
            failures.push(...seqScans);
          }
        }
      }
    }
  }

  // The write side: what the list's indexes cost the UPDATE every sign-in makes.
  const sizes = await (await getSql())<{ name: string; mb: string }>(
    `SELECT c.relname AS name, round(pg_relation_size(c.oid) / 1048576.0, 1)::text AS mb FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"User"'::regclass ORDER BY c.relname`,
  );
  const withIndexes = await signInCost(url);
  for (const name of LIST_INDEXES) await (await getSql())(`DROP INDEX IF EXISTS "${name}"`);
  const withoutIndexes = await signInCost(url);
  const cost = (r: typeof withIndexes) => `mean ${fmt(r.meanMs, 3)} ms, p99 ${fmt(r.p99, 2)} ms, ${fmt(r.walBytes, 0)} bytes of WAL per update, ${fmt(r.hotShare * 100, 0)}% HOT`;
  console.log(`[bench] sign-in UPDATE with the list's indexes: ${cost(withIndexes)}; without: ${cost(withoutIndexes)}`);

  const [small, big] = [Math.min(...settings.sizes), largest];
  const rows = [...results].map(([name, bySize]) => {
    const a = bySize.get(small);
    const b = bySize.get(big);
    const met = b ? b.p99 < P99_GOAL_MS && (!a || b.p99 <= GROWTH_GOAL * Math.max(a.p99, 1)) : false;
    return [name, a ? fmt(a.p50, 2) : "n/a", a ? fmt(a.p99, 2) : "n/a", b ? fmt(b.p50, 2) : "n/a", b ? fmt(b.p99, 2) : "n/a", met ? "yes" : "no"];
  });
  const m = machineInfo();
  const body = [
    `${now.toISOString().slice(0, 10)}, PostgreSQL ${version} (default settings: 128 MB shared buffers) on the same machine, shared with other work while it ran (1-minute load average ${fmt(Math.min(...loads), 1)} to ${fmt(Math.max(...loads), 1)} on ${os.cpus().length} cores during the measures), ${m.cpu} (${m.cores} cores, ${m.ramGiB} GiB), Node ${m.node}. Customers loaded by bench/lib/users-dataset.ts (${loadSeconds.join(", ")}). A read is \`listUsers\` (lib/users/user-list.ts) in process: the keyset query through Prisma and the mapping; page size 25; ${settings.reads} reads per case after ${settings.warmup} warm-up reads, one at a time, terms varied per read (addresses cut to 4 to 9 characters or the local part with "@", names to 3 to 6 letters, five attribute values from region=EU, 40% of customers, to tier=platinum, 0.5%; the five statuses; the three sorts). The deep page is fetched from its cursor, reached by following Next links.`,
    "",
    `Goal: p99 under ${P99_GOAL_MS} ms at ${big.toLocaleString("en")} and at most ${GROWTH_GOAL}x the ${small.toLocaleString("en")} figure (a figure under 1 ms counts as 1 ms).`,
    "",
    table(["case", `${small.toLocaleString("en")} p50 ms`, `${small.toLocaleString("en")} p99 ms`, `${big.toLocaleString("en")} p50 ms`, `${big.toLocaleString("en")} p99 ms`, "goal met"], rows),
    "",
    `Plans at ${big.toLocaleString("en")} (node types, top down, over 20 variations of each case; ${failures.length ? `**${failures.length} with a Seq Scan on "User"**` : 'none reads "User" sequentially'}):`,
    "",
    ...planNotes,
    "",
    `The sign-in's UPDATE of lastLoginAt at ${big.toLocaleString("en")} (${settings.signIns} sampled customers, one at a time, synchronous_commit off so that the WAL flush does not hide the index work): with the list's ${LIST_INDEXES.length} indexes ${cost(withIndexes)}; without them (dropped, then the same measure on other customers) ${cost(withoutIndexes)}. Index sizes (MB): ${sizes.map((s) => `${s.name} ${s.mb}`).join(", ")}.`,
  ].join("\n");
  replaceSection(path.join(process.cwd(), "bench", "RESULTS.md"), HEADING, body);
  await closeDb();
  await runCleanups();
  if (failures.length) {
    console.error(`[bench] FAIL: a measured query reads "User" sequentially at ${big.toLocaleString("en")}:\n${failures.join("\n\n")}`);
    process.exit(1);
  }
}

main().catch(async (e) => {
  console.error(e);
  await runCleanups();
  process.exit(1);
});
