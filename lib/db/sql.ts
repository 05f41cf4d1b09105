// Direct SQL for the hot protocol paths (token endpoint, UserInfo, introspection). Prisma's client
// compiles every query in WebAssembly (~0.6-1 ms of CPU each); these statements go straight to the
// driver that Prisma also uses (the same pg pool, the same PGlite instance), ~0.1-0.2 ms each.
//
// Conventions, so rows look like Prisma's: columns keep their model names (select them quoted);
// `timestamp(3)` columns hold UTC (Prisma's convention), so they are parsed as UTC and Date
// parameters are sent as ISO strings (never the process's local time zone).
import crypto from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export type SqlParam = string | number | boolean | null | Date | readonly string[];
/** Runs one statement (several only as one CTE: each call is atomic on its own) and returns its rows. */
export type Sql = <T extends object>(text: string, params?: readonly SqlParam[]) => Promise<T[]>;

const TIMESTAMP_OID = 1114;
const TIMESTAMP_ARRAY_OID = 1115;

/** "2026-11-28 01:28:47.123" (timestamp without time zone, UTC by convention) -> Date. */
export function parseUtcTimestamp(value: string): Date {
  return new Date(`${value.replace(" ", "T")}Z`);
}

function toDriverParams(params: readonly SqlParam[]): unknown[] {
  return params.map((p) => (p instanceof Date ? p.toISOString() : p));
}

const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP_OID && format !== "binary") return parseUtcTimestamp;
    if (oid === TIMESTAMP_ARRAY_OID) throw new Error("timestamp[] is not used by Portico's schema");
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** A pg pool whose timestamps parse as UTC; shared with Prisma's adapter. */
export function createPgPool(connectionString: string, max: number): pg.Pool {
  return new pg.Pool({ connectionString, max, types: pgTypes });
}

// Named statements are parsed and planned once per connection by PostgreSQL.
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `portico_${crypto.createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

export function pgSql(pool: pg.Pool): Sql {
  return async <T extends object>(text: string, params: readonly SqlParam[] = []) => {
    const result = await pool.query<T>({ name: statementName(text), text, values: toDriverParams(params) });
    return result.rows;
  };
}

const pgliteParsers = { [TIMESTAMP_OID]: parseUtcTimestamp };

/** PGlite serialises its own callers (and waits for an open transaction), so this is safe to mix with Prisma's. */
export function pgliteSql(pglite: PGlite): Sql {
  return async <T extends object>(text: string, params: readonly SqlParam[] = []) => {
    const result = await pglite.query<T>(text, toDriverParams(params) as unknown[], { parsers: pgliteParsers });
    return result.rows;
  };
}
