// npm run bench:scim — the SCIM 2.0 API (lib/http/endpoints/scim.ts) at scale, in process (no HTTP
// server): each request is a web Request handed to the endpoint's `handle`, with a provisioning
// bearer token, so what is measured is authentication, rate limiting, filter parsing, the SQL, the
// mapping to SCIM resources, the audit record and the JSON serialisation. Lookups by userName and
// by externalId, the first and a middle list page (startIndex = users / 2), then writes: POST
// creates (sequential and 4 callers at once) and PATCH replace displayName, each at 10,000 and
// 1,000,000 provisioned users in the dedicated database portico_bench_scim. The statements a lookup
// runs are captured from the driver and EXPLAINed at the largest size: a sequential scan of "User"
// there fails the run (non-zero exit). Results: bench/RESULTS.md, section "SCIM".
//
// Environment: BENCH_SIZES (10000,1000000), BENCH_READS (300 per case), BENCH_WARMUP (20),
// BENCH_CASE_SECONDS (a read case stops early after this many seconds of measuring, 120; the table
// says how many reads it made), BENCH_WRITES (500 per write case), BENCH_PG_URL (admin connection),
// BENCH_KEEP_DB=1 (keep the database).
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { installSignalHandlers, runCleanups } from "./lib/cleanup";
import { machineInfo } from "./lib/proc";
import { fmt, replaceSection, table } from "./lib/results";
import { loadUsers, recreateBenchDatabase, scimIdentifiers } from "./lib/users-dataset";

// Before anything reads the configuration (lib/config parses process.env once, on first use): the
// per-token limit must not be what is measured.
process.env.SCIM_REQUESTS_PER_MINUTE = process.env.SCIM_REQUESTS_PER_MINUTE ?? "100000000";

const HEADING = "## SCIM (npm run bench:scim)";
const DATABASE = "portico_bench_scim";
const settings = {
  sizes: (process.env.BENCH_SIZES ?? "10000,1000000").split(",").map(Number),
  reads: Number(process.env.BENCH_READS ?? 300),
  warmup: Number(process.env.BENCH_WARMUP ?? 20),
  caseSeconds: Number(process.env.BENCH_CASE_SECONDS ?? 120),
  writes: Number(process.env.BENCH_WRITES ?? 500),
  pgUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  keep: process.env.BENCH_KEEP_DB === "1",
};
const CONCURRENT_CALLERS = 4;
const ORIGIN = "https://portico.bench";

// ---------------------------------------------------------------------------------------------
// The statements the endpoint sends, as the driver sees them (Prisma's pg adapter calls
// Client#query with a config object), so that the plan checked is the one of the query run.

interface Captured {
  text: string;
  values: unknown[];
}
let captured: Captured[] | null = null;
{
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as { text?: unknown; values?: unknown[] } | undefined;
    if (captured && q && typeof q === "object" && typeof q.text === "string") captured.push({ text: q.text, values: q.values ?? [] });
    return original.apply(this, args);
  };
}

// ---------------------------------------------------------------------------------------------

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

type Handle = (request: Request) => Promise<{ status: number; headers: Record<string, string>; body: string | null }>;

interface Harness {
  handle: Handle;
  token: string;
}

function request(h: Harness, method: string, pathAndQuery: string, body?: unknown): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${h.token}`, "user-agent": "portico-bench-scim", accept: "application/scim+json" };
  if (body !== undefined) headers["content-type"] = "application/scim+json";
  return new Request(`${ORIGIN}/scim/v2${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** One request, checked: the status expected and, for a list, what it must hold. */
async function call(h: Harness, req: Request, status: number, check?: (body: Record<string, unknown>) => string | null): Promise<number> {
  const t0 = performance.now();
  const res = await h.handle(req);
  const ms = performance.now() - t0;
  if (res.status !== status) throw new Error(`${req.method} ${req.url}: ${res.status}, expected ${status}: ${res.body?.slice(0, 300)}`);
  if (check) {
    const problem = check(JSON.parse(res.body ?? "{}") as Record<string, unknown>);
    if (problem) throw new Error(`${req.method} ${req.url}: ${problem}`);
  }
  return ms;
}

interface ReadResult {
  p50: number;
  p99: number;
  reads: number;
}

/** Warm-up, then up to `reads` requests one at a time (fewer if the case's time budget runs out); the request is built before the clock starts. */
async function measureReads(h: Harness, make: (i: number) => { req: Request; check: (b: Record<string, unknown>) => string | null }): Promise<ReadResult> {
  for (let i = 0; i < settings.warmup; i++) {
    const { req, check } = make(i);
    await call(h, req, 200, check);
  }
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < settings.reads; i++) {
    const { req, check } = make(settings.warmup + i);
    samples.push(await call(h, req, 200, check));
    if (samples.length >= 20 && performance.now() - started > settings.caseSeconds * 1000) break;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), reads: samples.length };
}

interface WriteResult {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
}

/** `count` writes by `callers` callers at once (each takes the next number until all are done). */
async function measureWrites(count: number, callers: number, write: (i: number) => Promise<number>): Promise<WriteResult> {
  const samples: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let i = next++; i < count; i = next++) samples.push(await write(i));
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  samples.sort((a, b) => a - b);
  return { perSecond: count / seconds, p50: percentile(samples, 50), p99: percentile(samples, 99), count };
}

// ---------------------------------------------------------------------------------------------
// Plans

const USER_STATEMENT = /FROM "User" u WHERE/;

/** The statements of one request that read "User" as SCIM lists it (the count and the page). */
async function statementsOf(h: Harness, req: Request): Promise<Captured[]> {
  captured = [];
  try {
    await call(h, req, 200);
    return captured.filter((s) => USER_STATEMENT.test(s.text));
  } finally {
    captured = null;
  }
}

const shapeOf = (plan: string) => [...plan.matchAll(/(?:->\s+|^)([A-Z][A-Za-z ]+?)(?: on | using |\s{2}|\()/gm)].map((m) => m[1]!.trim()).join(" > ");
const kindOf = (s: Captured) => (/count\(\*\)/.test(s.text) ? "count" : "page");

async function explain(url: string, s: Captured, analyze: boolean): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ "QUERY PLAN": string }>(`EXPLAIN ${analyze ? "(ANALYZE, BUFFERS) " : ""}${s.text}`, s.values as unknown[]);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await c.end();
  }
}

/** What a lookup pays beyond the floor every request pays, at the largest size. */
function floorNote(reads: Map<string, Map<number, ReadResult>>, size: number): string {
  const floor = [...reads].find(([name]) => name.startsWith("GET /ServiceProviderConfig"))?.[1].get(size);
  const lookup = [...reads].find(([name]) => name.startsWith("userName eq"))?.[1].get(size);
  if (!floor || !lookup) return "";
  return `At ${size.toLocaleString("en")} a userName lookup's p50 is ${fmt(lookup.p50, 2)} ms, of which ${fmt(floor.p50, 2)} ms is the floor every request pays (GET /ServiceProviderConfig: the token's lookup and its lastUsedAt update, the rate-limit counter, the audit record; no user read): the rest is the attribute definitions, the count, the page and the mapping.`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  installSignalHandlers();
  const now = new Date();
  const { url, version } = await recreateBenchDatabase(settings.pgUrl, settings.keep, DATABASE);
  process.env.DATABASE_URL = url;

  // Imported here: the application's modules after the environment is set.
  const { closeDb, getDb, openDatabase, setDb } = await import("@/lib/db");
  const { config } = await import("@/lib/config");
  const { createProvisioningToken } = await import("@/lib/provisioning");
  const { handle } = await import("@/lib/http/endpoints/scim");
  setDb(openDatabase({ databaseUrl: url }));
  await getDb(); // migrates
  if (config().SCIM_REQUESTS_PER_MINUTE !== Number(process.env.SCIM_REQUESTS_PER_MINUTE)) throw new Error("SCIM_REQUESTS_PER_MINUTE was read before the bench set it");
  const { token } = await createProvisioningToken({ operator: "bench" }, { name: "bench", write: true, lifetimeDays: 1 }, {});
  const h: Harness = { handle: handle as unknown as Handle, token };

  const reads = new Map<string, Map<number, ReadResult>>();
  const writes = new Map<string, Map<number, WriteResult>>();
  const planNotes: string[] = [];
  const analyseNotes: string[] = [];
  const failures: string[] = [];
  const loadSeconds: string[] = [];
  const loads: number[] = [];
  const largest = Math.max(...settings.sizes);
  let loaded = 0;
  let run = 0;

  for (const size of settings.sizes) {
    const t0 = performance.now();
    await loadUsers(url, loaded, size, now, { scim: true });
    loadSeconds.push(`${size.toLocaleString("en")}: ${fmt((performance.now() - t0) / 1000, 0)} s`);
    loaded = size;
    console.log(`[bench] ${size.toLocaleString("en")} users loaded in ${fmt((performance.now() - t0) / 1000, 1)} s`);

    // Users spread over the population, in an order of their own (not the table's).
    const rnd = (i: number, salt: string) => 1 + (crypto.createHash("sha256").update(`${salt}:${size}:${i}`).digest().readUInt32BE(0) % size);
    const one = (b: Record<string, unknown>) => (b.totalResults === 1 && (b.Resources as unknown[]).length === 1 ? null : `totalResults ${String(b.totalResults)}, expected 1`);
    const page = (startIndex: number) => (b: Record<string, unknown>) =>
      b.totalResults === size && b.startIndex === startIndex && (b.Resources as unknown[]).length === 100 ? null : `totalResults ${String(b.totalResults)}, ${(b.Resources as unknown[]).length} resources`;
    const middle = Math.floor(size / 2);
    const cases: { name: string; make: (i: number) => { req: Request; check: (b: Record<string, unknown>) => string | null }; lookup?: boolean }[] = [
      // The floor every request pays (token, rate limit, audit record) without reading a user.
      { name: "GET /ServiceProviderConfig (no user read)", make: () => ({ req: request(h, "GET", "/ServiceProviderConfig"), check: (b) => (b.filter ? null : "not a ServiceProviderConfig") }) },
      {
        name: `userName eq (random existing)`,
        lookup: true,
        make: (i) => ({ req: request(h, "GET", `/Users?filter=${encodeURIComponent(`userName eq "${scimIdentifiers(rnd(i, "userName")).userName}"`)}`), check: one }),
      },
      {
        name: `externalId eq (random existing)`,
        lookup: true,
        make: (i) => ({ req: request(h, "GET", `/Users?filter=${encodeURIComponent(`externalId eq "${scimIdentifiers(rnd(i, "externalId")).externalId}"`)}`), check: one }),
      },
      { name: "list, first page (startIndex=1, count=100)", make: () => ({ req: request(h, "GET", "/Users?startIndex=1&count=100"), check: page(1) }) },
      { name: "list, middle page (startIndex=users/2, count=100)", make: () => ({ req: request(h, "GET", `/Users?startIndex=${middle}&count=100`), check: page(middle) }) },
    ];

    for (const c of cases) {
      const r = await measureReads(h, c.make);
      loads.push(os.loadavg()[0]!);
      if (!reads.has(c.name)) reads.set(c.name, new Map());
      reads.get(c.name)!.set(size, r);
      console.log(`[bench] ${size.toLocaleString("en")} ${c.name}: p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms (${r.reads} reads)`);
      if (size !== largest) continue;
      // The plans at the largest size: every lookup over 20 variations (a Seq Scan on "User" fails the
      // run); a list page's statements once, analysed, for the note under the table.
      const shapes = new Map<string, Set<string>>();
      for (let i = 0; i < (c.lookup ? 20 : 1); i++) {
        for (const s of await statementsOf(h, c.make(1000 + i).req)) {
          const plan = await explain(url, s, false);
          if (c.lookup && /Seq Scan on "User"/.test(plan)) failures.push(`${c.name} (${kindOf(s)}) #${i}:\n${s.text}\n${plan}`);
          if (!shapes.has(kindOf(s))) shapes.set(kindOf(s), new Set());
          shapes.get(kindOf(s))!.add(shapeOf(plan));
          if (!c.lookup) {
            const analysed = await explain(url, s, true);
            const ms = /Execution Time: ([\d.]+) ms/.exec(analysed)?.[1];
            const subplanLoops = /SubPlan \d+\n\s+->[^\n]*loops=(\d+)/.exec(analysed)?.[1];
            const buffers = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(analysed);
            const jit = /Timing: .*Total ([\d.]+) ms/.exec(analysed)?.[1];
            const facts = [
              subplanLoops ? `the groups subquery ran ${Number(subplanLoops).toLocaleString("en")} times` : "",
              buffers ? `${Number(buffers[1]).toLocaleString("en")} buffers hit, ${Number(buffers[2] ?? 0).toLocaleString("en")} read` : "",
              jit ? `JIT compilation ${jit} ms of it` : "",
            ].filter(Boolean);
            analyseNotes.push(`${c.name}, ${kindOf(s)} statement: ${ms ?? "?"} ms in EXPLAIN ANALYZE (${shapeOf(analysed)}${facts.length ? `; ${facts.join("; ")}` : ""})`);
            console.log(`[bench] EXPLAIN ANALYZE ${c.name} (${kindOf(s)}):\n${analysed}`);
          }
        }
      }
      if (shapes.size) planNotes.push(`- ${c.name}: ${[...shapes].map(([k, v]) => `${k}: ${[...v].join("; ")}`).join(" | ")}`);
    }

    // Writes: creates (one caller, then several), then PATCH replace displayName on existing users.
    run++;
    const newUser = (tag: string, i: number) => {
      const userName = `bench.${tag}.${run}.${i}@scim.example`;
      return {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName,
        externalId: crypto.randomUUID(),
        active: true,
        displayName: `Bench ${tag} ${i}`,
        name: { givenName: "Bench", familyName: `${tag}${i}` },
        emails: [{ value: userName, type: "work", primary: true }],
      };
    };
    const create = (tag: string) => (i: number) => call(h, request(h, "POST", "/Users", newUser(tag, i)), 201);
    for (let i = 0; i < 10; i++) await create("warmup")(i);
    const writeCases: [string, () => Promise<WriteResult>][] = [
      ["POST /Users (create), 1 caller", () => measureWrites(settings.writes, 1, create("seq"))],
      [`POST /Users (create), ${CONCURRENT_CALLERS} callers at once`, () => measureWrites(settings.writes, CONCURRENT_CALLERS, create("par"))],
      [
        "PATCH /Users/{id} (replace displayName), 1 caller",
        () =>
          measureWrites(settings.writes, 1, (i) => {
            const id = crypto.createHash("md5").update(`user${rnd(i, "patch")}`).digest("hex");
            const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
            const body = { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "displayName", value: `Patched ${run}.${i}` }] };
            return call(h, request(h, "PATCH", `/Users/${uuid}`, body), 204);
          }),
      ],
    ];
    for (const [name, measure] of writeCases) {
      const r = await measure();
      loads.push(os.loadavg()[0]!);
      if (!writes.has(name)) writes.set(name, new Map());
      writes.get(name)!.set(size, r);
      console.log(`[bench] ${size.toLocaleString("en")} ${name}: ${fmt(r.perSecond, 0)}/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms`);
    }
    // The created users go again, so that the next size holds exactly its number of users.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DELETE FROM "User" WHERE "userName" LIKE 'bench.%@scim.example'`);
    await c.end();
  }

  const [small, big] = [Math.min(...settings.sizes), largest];
  const sizeLabel = (n: number) => n.toLocaleString("en");
  const readRows = [...reads].map(([name, bySize]) => {
    const a = bySize.get(small);
    const b = bySize.get(big);
    return [name, a ? fmt(a.p50, 2) : "n/a", a ? fmt(a.p99, 2) : "n/a", b ? fmt(b.p50, 2) : "n/a", b ? fmt(b.p99, 2) : "n/a", `${a?.reads ?? "n/a"} / ${b?.reads ?? "n/a"}`];
  });
  const writeRows = [...writes].map(([name, bySize]) => {
    const a = bySize.get(small);
    const b = bySize.get(big);
    const cell = (r: WriteResult | undefined) => (r ? [fmt(r.perSecond, 0), fmt(r.p50, 2), fmt(r.p99, 2)] : ["n/a", "n/a", "n/a"]);
    return [name, ...cell(a), ...cell(b)];
  });
  const m = machineInfo();
  const body = [
    `${now.toISOString().slice(0, 10)}, PostgreSQL ${version} (default settings: 128 MB shared buffers) on the same machine, shared with other work while it ran (1-minute load average ${fmt(Math.min(...loads), 1)} to ${fmt(Math.max(...loads), 1)} on ${os.cpus().length} cores during the measures), ${m.cpu} (${m.cores} cores, ${m.ramGiB} GiB), Node ${m.node}. Users loaded by bench/lib/users-dataset.ts with SCIM identifiers (userName user0000123, externalId a UUID, scimAttributes with one work email; INSERT … SELECT generate_series in batches of 100,000, then VACUUM ANALYZE: ${loadSeconds.join(", ")}). A request is a web \`Request\` handed to \`handle\` (lib/http/endpoints/scim.ts) in process, no HTTP server: bearer token (createProvisioningToken, read and write), the per-token rate limit (SCIM_REQUESTS_PER_MINUTE=${process.env.SCIM_REQUESTS_PER_MINUTE}, so it counts but never refuses; no REDIS_URL, so its counter is in PostgreSQL), filter parsing, the SQL through Prisma, the mapping and projection, the audit record every request writes, and the JSON body. Reads one at a time, up to ${settings.reads} per case after ${settings.warmup} warm-up reads (a case stops early after ${settings.caseSeconds} s of measuring: the last column says how many were made), lookups of users spread over the population; each response checked (status, totalResults, page length).`,
    "",
    table(["read", `${sizeLabel(small)} p50 ms`, `${sizeLabel(small)} p99 ms`, `${sizeLabel(big)} p50 ms`, `${sizeLabel(big)} p99 ms`, "reads"], readRows),
    "",
    floorNote(reads, big),
    "",
    `Writes: ${settings.writes} per case after 10 warm-up creates; creates carry userName, externalId, name, displayName, one work email (it becomes the sign-in address) and no password (argon2 would be the measure); PATCH replaces displayName of users spread over the loaded population (answer 204). The users created are deleted before the next size.`,
    "",
    table(["write", `${sizeLabel(small)} per s`, `${sizeLabel(small)} p50 ms`, `${sizeLabel(small)} p99 ms`, `${sizeLabel(big)} per s`, `${sizeLabel(big)} p50 ms`, `${sizeLabel(big)} p99 ms`], writeRows),
    "",
    `Why the list grows with the population, at ${sizeLabel(big)} (EXPLAIN ANALYZE of the statements the list sent, captured from the driver):`,
    "",
    ...analyseNotes.map((n) => `- ${n}`),
    "",
    `- A full page cannot tell the total, so it is counted (totalResults, RFC 7644 §3.4.2): \`count(*)\` over all users with the NOT EXISTS on "UserRole" (staff are outside SCIM), a scan of an index of every user, however small the page (a page that is not full, like a lookup's, tells the total itself: no count). The middle page adds OFFSET: the ids before it are read in "createdAt" order from the index and thrown away; only the page's own 100 rows are read with their groups.`,
    "",
    `Plans at ${sizeLabel(big)} (node types, top down; lookups over 20 variations; ${failures.length ? `**${failures.length} lookup plans with a Seq Scan on "User"**` : 'no lookup reads "User" sequentially'}):`,
    "",
    ...planNotes,
    "",
    `Peer: none measured. No other SCIM server is installed here and none was set up for this run (django-scim2 on PyPI, or a Go server built on elimity-com/scim, could be one: a peer needs its own schema loaded with the same ${sizeLabel(big)} users); no figure is given for one.`,
  ].join("\n");
  replaceSection(path.join(process.cwd(), "bench", "RESULTS.md"), HEADING, body);
  await closeDb();
  await runCleanups();
  if (failures.length) {
    console.error(`[bench] FAIL: a SCIM lookup reads "User" sequentially at ${sizeLabel(big)}:\n${failures.join("\n\n")}`);
    process.exit(1);
  }
}

main().catch(async (e) => {
  console.error(e);
  await runCleanups();
  process.exit(1);
});
