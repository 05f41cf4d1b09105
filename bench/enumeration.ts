// npm run bench:enumeration — can response time tell whether an address has an account? The
// forgot-password and registration requests are timed for addresses that have an account and for
// addresses that do not, in random order, and the two sets are compared (Welch's t-test on the
// means, Mann-Whitney U on the ranks). A p-value far below 0.05 means an attacker with this many
// samples can tell the two apart. In process (no HTTP): the request's own work, which is what
// differs; HTTP and Next.js add the same cost to both. The background work a request queues
// (lib/users/account-jobs.ts) runs between requests, outside the timing.
//
// Environment: BENCH_REQUESTS (200 per path and kind), BENCH_LABEL (the "### " subsection written,
// e.g. "before"), BENCH_COMMIT (the code measured, when not this checkout's HEAD), DATABASE_URL
// (also run on a throwaway database on that PostgreSQL server).
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { installSignalHandlers, runCleanups } from "./lib/cleanup";
import { createBenchDatabase } from "./lib/postgres";
import { machineInfo } from "./lib/proc";
import { fmt, table } from "./lib/results";
import { mannWhitneyU, summarize, welchTTest } from "./lib/stats";

const HEADING = "## Account enumeration by timing (npm run bench:enumeration)";
const WARM_UP = 20;
const settings = {
  requests: Number(process.env.BENCH_REQUESTS ?? 200),
  label: process.env.BENCH_LABEL ?? "after",
  pgUrl: process.env.DATABASE_URL,
};
const PASSWORD = "bench passphrase for enumeration 42";

// Before any Portico module reads the configuration: a cheap CAPTCHA (solving is not timed, but
// it should not take minutes), a fixed secret, and counters in the database unless Redis is asked for.
process.env.ALTCHA_MAX_NUMBER ??= "1000";
process.env.PORTICO_SECRET ??= crypto.randomBytes(32).toString("hex");
const pgUrl = settings.pgUrl;
delete process.env.DATABASE_URL; // the bench opens its own databases

type PathName = "forgot-password" | "registration";
type Kind = "existing" | "unknown";
interface Task {
  path: PathName;
  kind: Kind;
  email: string;
  measured: boolean;
}

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** A different client address per request, so the per-IP limits never decide the outcome. */
function benchIp(i: number): string {
  return `198.18.${(i >> 8) & 255}.${i & 255}`;
}

async function benchDatabase(kind: "pglite" | "postgres") {
  const [{ closeDb, getSql, openDatabase, setDb }, { hashPassword }, { resetFixedWindowLimitsForTests, resetLoginThrottleForTests }, { createCaptchaChallenge }, users] =
    await Promise.all([import("@/lib/db"), import("@/lib/credentials"), import("@/lib/ratelimit"), import("@/lib/captcha"), import("@/lib/users")]);
  const db = kind === "postgres" ? await createBenchDatabase(pgUrl!) : null;
  setDb(openDatabase(db ? { databaseUrl: db.url } : { pgliteDir: "memory://" }));
  try {
    resetLoginThrottleForTests();
    resetFixedWindowLimitsForTests();
    const per = settings.requests + WARM_UP;
    const run = crypto.randomBytes(3).toString("hex");
    // Every address has the same shape, and which ones have an account is drawn at random, so
    // nothing but the account's existence differs (the password check, for one, reads the address).
    // One address per request: the per-address limit of the forgot-password form would otherwise
    // turn later requests for the same address into the "throttled" branch.
    const addresses = shuffle(Array.from({ length: 4 * per }, (_, k) => `acct-${run}-${String(k).padStart(5, "0")}@example.com`));
    const existing = addresses.slice(0, 2 * per);
    const unknown = addresses.slice(2 * per);
    const hash = await hashPassword(PASSWORD);
    await (await getSql())(
      `INSERT INTO "User" ("id", "email", "emailVerifiedAt", "passwordHash", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), e, now(), $1, now(), now() FROM unnest($2::text[]) e`,
      [hash, existing],
    );
    await (await getSql())(`ANALYZE`);
    const tasks: Task[] = [];
    for (const [n, p] of (["forgot-password", "registration"] as const).entries()) {
      for (let i = 0; i < per; i++) {
        tasks.push({ path: p, kind: "existing", email: existing[n * per + i]!, measured: i >= WARM_UP });
        tasks.push({ path: p, kind: "unknown", email: unknown[n * per + i]!, measured: i >= WARM_UP });
      }
    }
    // Warm-up first (JIT, caches, connection pool), then everything else in random order, so a
    // drift over the run (table growth, a checkpoint) falls on both kinds alike.
    const ordered = [...shuffle(tasks.filter((t) => !t.measured)), ...shuffle(tasks.filter((t) => t.measured))];
    const samples: Record<PathName, Record<Kind, number[]>> = {
      "forgot-password": { existing: [], unknown: [] },
      registration: { existing: [], unknown: [] },
    };
    for (const [i, task] of ordered.entries()) {
      const ctx = { ip: benchIp(i), userAgent: "bench/enumeration" };
      let elapsed: number;
      if (task.path === "forgot-password") {
        const t0 = performance.now();
        await users.requestPasswordReset(task.email, ctx);
        elapsed = performance.now() - t0;
      } else {
        const challenge = await createCaptchaChallenge();
        const solution = await solveChallenge({ challenge, deriveKey });
        const captcha = Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
        const t0 = performance.now();
        await users.registerUser({ email: task.email, password: PASSWORD, displayName: undefined, acceptTerms: "on", captcha }, ctx);
        elapsed = performance.now() - t0;
      }
      if (task.measured) samples[task.path][task.kind].push(elapsed);
      // What the server's worker does right after the response (look the address up, create the
      // account or queue the mail), untimed, so each request meets a quiet database as on a real server.
      await users.drainAccountJobs();
    }
    return { database: kind === "postgres" ? `PostgreSQL ${db!.version}` : "PGlite (embedded)", samples };
  } finally {
    await closeDb();
    await db?.drop();
  }
}

/** Rewrites only this run's "### <label>" subsection of the section, keeping the others. */
function writeSubsection(file: string, heading: string, label: string, intro: string, body: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmark results\n\nEach section is written by the script named in its heading.\n";
  const lines = text.split("\n");
  let start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) {
    lines.push(...(lines.at(-1) === "" ? [] : [""]), heading, "");
    start = lines.length - 2;
  }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  const subsections = new Map<string, string>();
  let current: string | undefined;
  for (const l of lines.slice(start + 1, end)) {
    if (l.startsWith("### ")) current = l.slice(4).trim();
    else if (current) subsections.set(current, `${subsections.get(current) ?? ""}${l}\n`);
  }
  subsections.set(label, `\n${body.trim()}\n\n`);
  const section = [heading, "", intro.trim(), "", ...[...subsections].map(([k, v]) => `### ${k}\n${v.replace(/\n+$/, "\n")}`)].join("\n");
  const out = [...lines.slice(0, start), section, ...lines.slice(end)].join("\n").replace(/\n*$/, "\n");
  fs.writeFileSync(file, out);
}

async function main() {
  installSignalHandlers();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const kinds: ("pglite" | "postgres")[] = pgUrl ? ["pglite", "postgres"] : ["pglite"];
  const rows: (string | number)[][] = [];
  for (const kind of kinds) {
    const r = await benchDatabase(kind);
    for (const p of ["forgot-password", "registration"] as const) {
      const known = r.samples[p].existing;
      const unknown = r.samples[p].unknown;
      const [a, b] = [summarize(known), summarize(unknown)];
      const welch = welchTTest(known, unknown);
      const mw = mannWhitneyU(known, unknown);
      const line = [r.database, p, a.n, `${fmt(a.mean, 2)} / ${fmt(b.mean, 2)}`, `${fmt(a.median, 2)} / ${fmt(b.median, 2)}`, `${fmt(a.p95, 2)} / ${fmt(b.p95, 2)}`, fmt(a.mean - b.mean, 2), welch.p.toPrecision(2), mw.p.toPrecision(2)];
      console.log(line.join("  "));
      rows.push(line);
    }
  }
  const m = machineInfo();
  const commit = process.env.BENCH_COMMIT ?? execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  const dirty = !process.env.BENCH_COMMIT && execFileSync("git", ["status", "--porcelain", "--", "lib", "prisma"], { encoding: "utf8" }).trim() ? " + uncommitted changes" : "";
  const intro = [
    "Whether response time tells an attacker that an address has an account. In process (no HTTP, which adds the same to both): `requestPasswordReset` and `registerUser` called for addresses with an account and for addresses without one (all of one shape, which ones have an account drawn at random; a different address each time, so the per-address limit never applies), interleaved in random order after 20 of each as warm-up; each request from its own client address. Registration includes the argon2id hash of the password (the same in both branches). Work a request hands to the background worker (after the fix) runs between requests, untimed, as on a server where it runs after the response. Times are ms; each cell is existing / unknown. p-values are two-sided: Welch's t-test (means) and Mann-Whitney U (ranks). Far below 0.05: distinguishable with this many samples.",
    "",
    "Before, forgot password wrote a reset token, a mail and an audit event for an existing account and only an audit event for an unknown address; registration inserted a user, a token, a mail and an audit event for a new address and only a mail and an audit event for an existing one. After, both requests do the same for every address (throttles, CAPTCHA and hash for registration, then one queued account job: `lib/users/account-jobs.ts`); the lookup and what depends on it run in the background worker after the response (`lib/users/enumeration.test.ts` proves the same rows are written).",
  ].join("\n");
  const body = [
    `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${m.cpu} (${m.cores} cores, ${m.ramGiB} GiB), Node ${m.node}, commit ${commit}${dirty}; load average ${fmt(loadAtStart, 2)} at the start (other work on the machine widens both kinds' spreads alike); ${settings.requests} measured requests per path and kind.`,
    "",
    table(["database", "path", "n", "mean ms", "median ms", "p95 ms", "mean difference ms", "Welch p", "Mann-Whitney p"], rows),
  ].join("\n");
  writeSubsection(path.join(process.cwd(), "bench", "RESULTS.md"), HEADING, settings.label, intro, body);
  console.log("written to bench/RESULTS.md");
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(runCleanups);
