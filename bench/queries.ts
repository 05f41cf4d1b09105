// npm run bench:queries — how many SQL statements each step of a returning customer's sign-in
// through an application costs (authorize, login page, login post, authorize resume, token,
// UserInfo), counted by PostgreSQL itself (its statement log, for the bench's database only). With
// BENCH_BASELINE=<another checkout with a production build>, the same flows run against that
// version too, in the same run, so the cost of a change reads as a difference of statements.
//
// Environment: BENCH_FLOWS (flows counted per version, 5; the table shows the median per step),
// BENCH_PG_URL (admin connection), BENCH_PG_LOG (the server's log file; default
// /var/log/postgresql/postgresql-<major>-main.log), BENCH_BASELINE, BENCH_BASELINE_LABEL.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { installSignalHandlers, runCleanups } from "./lib/cleanup";
import { codeFlow } from "./lib/oidc-sides";
import { MEASURED, setupPortico, startPortico } from "./lib/portico-side";
import { machineInfo } from "./lib/proc";
import { replaceSection, table } from "./lib/results";
import { logStatementsOf, StatementLog, type Statement } from "./lib/statement-log";

const HEADING = "## SQL statements per sign-in step (npm run bench:queries)";
const settings = {
  flows: Number(process.env.BENCH_FLOWS ?? 5),
  pgUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  pgLog: process.env.BENCH_PG_LOG,
  baseline: process.env.BENCH_BASELINE,
  baselineLabel: process.env.BENCH_BASELINE_LABEL ?? "baseline",
};

// The outbox's own bookkeeping (claims, marking done) runs in the background poller, not in the
// request: it is reported apart from the steps.
const BACKGROUND = /^(UPDATE|DELETE FROM) "(MailMessage|HttpDelivery|AccountJob|DataExport|IdentityEvent)"/;

interface VersionResult {
  label: string;
  /** step -> statements per flow (one array entry per flow). */
  steps: Map<string, Statement[][]>;
  background: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function countVersion(root: string, label: string, logFile: string): Promise<VersionResult> {
  let log: StatementLog | undefined;
  const { server, db } = await startPortico(root, "postgres", settings.pgUrl, {
    beforeStart: async (d) => {
      await logStatementsOf(settings.pgUrl, d.name);
      log = new StatementLog(logFile, d.name);
    },
  });
  try {
    const side = await setupPortico(server.origin, label);
    const result: VersionResult = { label, steps: new Map(), background: 0 };
    for (let i = 0; i < settings.flows; i++) {
      const user = side.users[i % side.users.length]!;
      await log!.since(2500); // the setup's (or the previous flow's) background work is over
      const perStep = new Map<string, Statement[]>();
      const afterStep = async (step: string) => {
        const all = await log!.since();
        result.background += all.filter((s) => BACKGROUND.test(s.text)).length;
        perStep.set(step, [...(perStep.get(step) ?? []), ...all.filter((s) => !BACKGROUND.test(s.text))]);
      };
      const { tokens } = await codeFlow(side, user, MEASURED, side.devices.get(user.email), afterStep);
      const info = await fetch(side.endpoints.userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      if (info.status !== 200) throw new Error(`[bench] UserInfo answered ${info.status}`);
      await afterStep("userinfo");
      for (const [step, statements] of perStep) result.steps.set(step, [...(result.steps.get(step) ?? []), statements]);
    }
    return result;
  } finally {
    await server.stop();
    await db?.drop();
  }
}

/** "User 2, Session 1, BEGIN 1, …": the tables one step's statements touch, in order of count. */
function tablesOf(statements: Statement[]): string {
  const counts = new Map<string, number>();
  for (const s of statements) counts.set(s.table, (counts.get(s.table) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t, n]) => `${t} ${n}`).join(", ");
}

function report(results: VersionResult[], started: Date, pgVersion: string): string {
  const steps = [...results[0]!.steps.keys()];
  const header = ["Step", ...results.map((r) => `${r.label}: statements (median of ${settings.flows})`)];
  if (results.length === 2) header.push("Difference");
  const rows = steps.map((step) => {
    const counts = results.map((r) => median((r.steps.get(step) ?? []).map((s) => s.length)));
    return [step, ...counts.map(String), ...(results.length === 2 ? [String(counts[1]! - counts[0]!)] : [])];
  });
  const totals = results.map((r) => steps.reduce((sum, step) => sum + median((r.steps.get(step) ?? []).map((s) => s.length)), 0));
  rows.push(["**whole flow**", ...totals.map(String), ...(results.length === 2 ? [String(totals[1]! - totals[0]!)] : [])]);
  const last = results[results.length - 1]!;
  const detail = steps.map((step) => [step, tablesOf((last.steps.get(step) ?? [])[0] ?? [])]);
  const m = machineInfo();
  return [
    `${started.toISOString().slice(0, 10)}, PostgreSQL ${pgVersion}, ${m.cpu} (${m.cores} cores), Node ${m.node}. A returning customer on a known browser signs in to a third-party application that already has their consent (authorization code + PKCE, no second step), then the application calls UserInfo; ${settings.flows} flows per version, each step's statements counted in PostgreSQL's statement log for the bench's database (BEGIN and COMMIT count). The outbox poller's own statements are left out (${results.map((r) => `${r.label}: ${r.background}`).join(", ")} over the run).`,
    "",
    table(header, rows),
    "",
    `Tables per step (${last.label}, first flow; BEGIN/COMMIT/SELECT without a table are listed by command):`,
    "",
    table(["Step", "Statements by table"], detail),
  ].join("\n");
}

function defaultLogFile(pgVersion: string): string {
  return `/var/log/postgresql/postgresql-${pgVersion.split(".")[0]}-main.log`;
}

async function main() {
  installSignalHandlers();
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, "server.mjs"))) throw new Error("[bench] run from the repository root (npm run bench:queries)");
  const started = new Date();
  const { buildIfStale } = (await import(pathToFileURL(path.join(root, "scripts/build-if-stale.mjs")).href)) as { buildIfStale: (root?: string) => boolean };
  buildIfStale(root);
  const pgVersion = execFileSync("psql", [settings.pgUrl, "-Atc", "SHOW server_version"], { encoding: "utf8" }).trim().split(" ")[0]!;
  const logFile = settings.pgLog ?? defaultLogFile(pgVersion);
  if (!fs.existsSync(logFile)) throw new Error(`[bench] PostgreSQL's log file ${logFile} is not there; set BENCH_PG_LOG`);

  const results: VersionResult[] = [];
  if (settings.baseline) results.push(await countVersion(path.resolve(settings.baseline), settings.baselineLabel, logFile));
  results.push(await countVersion(root, "this version", logFile));

  const file = path.join(root, "bench/RESULTS.md");
  replaceSection(file, HEADING, report(results, started, pgVersion));
  console.log(`[bench] wrote ${path.relative(root, file)}`);
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  })
  .finally(() => runCleanups());
