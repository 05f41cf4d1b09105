// A throwaway PostgreSQL database for one benchmark run, plus the CPU its backends use
// (PostgreSQL runs on this machine, so that work competes with the server for the same cores
// and is invisible in the server process's own counters).
import crypto from "node:crypto";
import pg from "pg";
import { onCleanup } from "./cleanup";
import { processCpuMs } from "./proc";

export interface BenchDatabase {
  url: string;
  name: string;
  /** e.g. "15.20" */
  version: string;
  /** CPU ms used so far by the backends connected to this database (needs the same host and /proc). */
  backendCpuMs: () => Promise<number>;
  drop: () => Promise<void>;
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `portico_bench_${crypto.randomBytes(4).toString("hex")}`;
  let version: string;
  try {
    version = (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version.split(" ")[0]!;
    await admin.query(`CREATE DATABASE "${name}"`);
  } catch (e) {
    await admin.end();
    throw e;
  }

  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    // FORCE (PostgreSQL 13+) ends connections a killed server may have left behind.
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
  const removeUndo = onCleanup(`drop database ${name}`, drop);

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Backends come and go with the pool; a backend that ended inside a window loses its share,
  // which makes this a lower bound.
  const seen = new Map<number, number>();
  const backendCpuMs = async () => {
    const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [name]);
    for (const { pid } of rows) seen.set(pid, Math.max(seen.get(pid) ?? 0, processCpuMs(pid)));
    let total = 0;
    for (const v of seen.values()) total += v;
    return total;
  };
  return {
    url: url.toString(),
    name,
    version,
    backendCpuMs,
    drop: async () => {
      removeUndo();
      await drop();
    },
  };
}
