// npm run bench:activity — the customer's activity page at scale: one page of a person's history
// (lib/activity listActivity: the keyset query over (targetId, id) and (actorId, id), plus the
// wording, device and geo-IP place of each entry) with 1,000,000 people in the audit trail, for an
// ordinary account and for one under attack (200,000 events, half of them hidden from the history),
// on its newest page and on a page deep in its past. In process, no HTTP.
//
// Environment: BENCH_USERS (1000000), BENCH_EVENTS_PER_USER (2), BENCH_HEAVY_EVENTS (200000),
// BENCH_READS (300 per case), BENCH_PG_URL (admin connection).
import path from "node:path";
import { installSignalHandlers, runCleanups } from "./lib/cleanup";
import { createBenchDatabase } from "./lib/postgres";
import { machineInfo } from "./lib/proc";
import { fmt, replaceSection, table } from "./lib/results";
import { closeDb, getSql, openDatabase, setDb } from "@/lib/db";
import { listActivity } from "@/lib/activity";

const HEADING = "## Activity page at scale (npm run bench:activity)";
const settings = {
  users: Number(process.env.BENCH_USERS ?? 1_000_000),
  perUser: Number(process.env.BENCH_EVENTS_PER_USER ?? 2),
  heavy: Number(process.env.BENCH_HEAVY_EVENTS ?? 200_000),
  reads: Number(process.env.BENCH_READS ?? 300),
  pgUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
};
const UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const HEAVY = "00000000-0000-4000-8000-00000000beef";

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A person's id from a number: deterministic, so reads can pick people that exist. */
const personSql = (n: string) => `md5((${n})::text)::uuid::text`;

async function populate(): Promise<void> {
  const sql = await getSql();
  const total = settings.users * settings.perUser;
  // Ordinary people: a sign-in and its (hidden) risk assessment each, spread over a year.
  for (let from = 0; from < total; from += 500_000) {
    const to = Math.min(total, from + 500_000) - 1;
    await sql(
      `INSERT INTO "AuditEvent" ("createdAt", "actorType", "actorId", "action", "targetType", "targetId", "result", "ip", "userAgent", "details")
       SELECT (now() AT TIME ZONE 'UTC') - (g % 31536000) * interval '1 second', 'user', p, CASE WHEN g % 2 = 0 THEN 'login.succeeded' ELSE 'risk.assessed' END,
              'user', p, 'success', '81.45.3.1', $3, '{"method":"password"}'::jsonb
         FROM generate_series($1::int, $2::int) g, LATERAL (SELECT ${personSql(`g % ${settings.users}`)} AS p) x`,
      [from, to, UA],
    );
  }
  // The account under attack: failed attempts from many addresses, each with an assessment the history hides.
  await sql(
    `INSERT INTO "AuditEvent" ("createdAt", "actorType", "actorId", "action", "targetType", "targetId", "result", "ip", "userAgent", "details")
     SELECT (now() AT TIME ZONE 'UTC') - g * interval '1 second', CASE WHEN g % 2 = 0 THEN 'anonymous' ELSE 'system' END, NULL,
            CASE WHEN g % 2 = 0 THEN 'login.failed' ELSE 'risk.assessed' END, 'user', $2, CASE WHEN g % 2 = 0 THEN 'failure' ELSE 'success' END,
            '1.0.16.' || (g % 250)::text, $3, '{"reason":"wrong_password"}'::jsonb
       FROM generate_series(1, $1::int) g`,
    [settings.heavy, HEAVY, UA],
  );
  await sql(`ANALYZE "AuditEvent"`);
}

async function time(read: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 20; i++) await read(); // warm the plan cache and the buffers
  const samples: number[] = [];
  for (let i = 0; i < settings.reads; i++) {
    const t0 = performance.now();
    await read();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function main(): Promise<void> {
  installSignalHandlers();
  const db = await createBenchDatabase(settings.pgUrl);
  setDb(openDatabase({ databaseUrl: db.url }));
  const t0 = performance.now();
  await populate();
  const populateSeconds = (performance.now() - t0) / 1000;
  const [counted] = await (await getSql())<{ rows: string }>(`SELECT count(*)::text AS rows FROM "AuditEvent"`);
  const rows = counted?.rows ?? "0";

  const owner = (id: string) => ({ id, roles: [] as string[] });
  const people = Array.from({ length: 64 }, (_, i) => i * Math.floor(settings.users / 64));
  const ids = await (await getSql())<{ id: string }>(`SELECT ${personSql("n")} AS id FROM unnest($1::int[]) n`, [people.map(String)]);
  let k = 0;
  const ordinary = () => {
    const id = ids[k++ % ids.length]!.id;
    return listActivity(owner(id), id);
  };
  const heavyFirst = () => listActivity(owner(HEAVY), HEAVY);
  // A cursor halfway through the attacked account's history.
  const [middle] = await (await getSql())<{ id: string }>(
    `SELECT id::text AS id FROM "AuditEvent" WHERE "targetId" = $1 ORDER BY id DESC OFFSET $2 LIMIT 1`,
    [HEAVY, Math.floor(settings.heavy / 2)],
  );
  const heavyDeep = () => listActivity(owner(HEAVY), HEAVY, { before: middle!.id });
  const firstPage = await heavyFirst();
  if (firstPage.entries.length !== 25 || !firstPage.older) throw new Error("the attacked account's first page should be full, with older entries");

  const cases: [string, () => Promise<unknown>][] = [
    [`ordinary account (${settings.perUser} events), newest page`, ordinary],
    [`attacked account (${settings.heavy.toLocaleString("en")} events, half hidden), newest page`, heavyFirst],
    ["attacked account, a page halfway back", heavyDeep],
  ];
  const results: (string | number)[][] = [];
  for (const [name, read] of cases) {
    const r = await time(read);
    results.push([name, fmt(r.p50, 2), fmt(r.p99, 2)]);
    console.log(`${name}: p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms`);
  }

  const m = machineInfo();
  const body = [
    `${new Date().toISOString().slice(0, 10)}, PostgreSQL ${db.version}, ${m.cpu} (${m.cores} cores), Node ${m.node}; ${Number(rows).toLocaleString("en")} audit events for ${settings.users.toLocaleString("en")} people (populated in ${fmt(populateSeconds, 0)} s); ${settings.reads} reads per case, one at a time, after 20 warm-up reads. A read is \`listActivity\`: the keyset query and the entries' wording, device and geo-IP place. No peer: the other CIAMs' equivalent (Auth0's user logs, Keycloak's events) are not runnable here side by side.`,
    "",
    table(["case", "p50 ms", "p99 ms"], results),
  ].join("\n");
  replaceSection(path.join(process.cwd(), "bench", "RESULTS.md"), HEADING, body);
  await closeDb();
  await runCleanups();
}

main().catch(async (e) => {
  console.error(e);
  await runCleanups();
  process.exit(1);
});
