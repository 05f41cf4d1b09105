// The console's user list as one keyset query: filters that each match an index range (migration
// 20261214100000_user_search_indexes), the sort's index walked in order from the cursor's row (or
// a few matches read from their own index and sorted: modeOf), a page plus one row read. Never
// OFFSET: page 1,000 costs what page 1 costs.
//
// Prefixes are ranges in the "C" collation (code point order, where every string that starts with
// p lies in [p, p || U+10FFFF)); a linguistic collation may ignore punctuation and scatter them.
// lower() runs in SQL on both sides, so the column and the typed text are lowered alike.
//
// Through Prisma's $queryRaw (an unnamed statement, planned with its actual values) rather than the
// direct path's named statements: a generic plan cannot tell "region=EU" (a fifth of the users:
// walk the sort's index) from a value three users hold (read the GIN index, sort the few).
import "server-only";
import { getDb, Prisma, withTransaction } from "@/lib/db";
import type { UserSort, UserStatus } from "./user-list.schema";
import type { PageDirection } from "./user-list-cursor";

export interface UserListFilter {
  id?: string;
  /** Lower-cased address prefixes; every one must match. */
  emailPrefixes: string[];
  phonePrefix?: string;
  namePrefix?: string;
  status?: UserStatus;
  createdFrom?: Date;
  createdBefore?: Date;
  signedInFrom?: Date;
  signedInBefore?: Date;
  /** The attribute filter: JSON objects the attributes must contain one of. */
  attributeValues?: string[];
  /** The actor's segments: JSON objects the attributes must contain one of (none: tenant-wide). */
  segments: string[][];
}

export interface UserListPosition {
  sort: UserSort;
  dir: "asc" | "desc";
  /** The row to continue from, excluded; none: the first page. */
  from?: { direction: PageDirection; key: string | null; id: string };
}

export interface UserListRow {
  id: string;
  email: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  emailVerifiedAt: Date | null;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  deletionRequestedAt: Date | null;
  createdAt: Date;
  lastLoginAt: Date | null;
  /** lower(email): the email sort's key. */
  emailKey: string;
}

const NEVER = Prisma.sql`'-infinity'::timestamp`;
/** The sort keys, each exactly the leading expression of its index (the migration's). */
const SORT_KEY: Record<UserSort, Prisma.Sql> = {
  createdAt: Prisma.sql`u."createdAt"`,
  // Never signed in sorts as the oldest sign-in: a defined position, so the row comparison holds.
  lastLoginAt: Prisma.sql`COALESCE(u."lastLoginAt", ${NEVER})`,
  email: Prisma.sql`lower(u."email") COLLATE "C"`,
};

function keyParam(sort: UserSort, key: string | null): Prisma.Sql {
  if (sort === "email") return Prisma.sql`${key}::text COLLATE "C"`;
  if (key === null) return NEVER;
  return Prisma.sql`${key}::timestamp`;
}

const prefixOf = (column: Prisma.Sql, prefix: string) =>
  Prisma.sql`(${column} >= lower(${prefix}) COLLATE "C" AND ${column} < (lower(${prefix}) || chr(1114111)) COLLATE "C")`;

function statusCondition(status: UserStatus, now: Date): Prisma.Sql {
  const at = Prisma.sql`${now.toISOString()}::timestamp`;
  switch (status) {
    case "active":
      return Prisma.sql`u."disabledAt" IS NULL AND u."deletionRequestedAt" IS NULL AND u."emailVerifiedAt" IS NOT NULL AND (u."lockedUntil" IS NULL OR u."lockedUntil" <= ${at})`;
    case "unverified":
      return Prisma.sql`u."emailVerifiedAt" IS NULL AND u."disabledAt" IS NULL AND u."deletionRequestedAt" IS NULL`;
    case "locked":
      return Prisma.sql`u."lockedUntil" > ${at}`;
    case "disabled":
      return Prisma.sql`u."disabledAt" IS NOT NULL AND u."deletionRequestedAt" IS NULL`;
    case "pending_deletion":
      return Prisma.sql`u."deletionRequestedAt" IS NOT NULL`;
  }
}

/** The conditions an index answers on its own and that usually match few: the id, the prefixes, an attribute value. */
function narrowingOf(filter: UserListFilter): Prisma.Sql[] {
  const c: Prisma.Sql[] = [];
  if (filter.id) c.push(Prisma.sql`u."id" = ${filter.id}::uuid`);
  for (const p of filter.emailPrefixes) c.push(prefixOf(Prisma.sql`lower(u."email") COLLATE "C"`, p));
  if (filter.phonePrefix) c.push(prefixOf(Prisma.sql`(u."phoneNumber"::text) COLLATE "C"`, filter.phonePrefix));
  if (filter.namePrefix) {
    const p = filter.namePrefix;
    c.push(
      Prisma.sql`(${prefixOf(Prisma.sql`lower(u."displayName") COLLATE "C"`, p)} OR ${prefixOf(Prisma.sql`lower(u."givenName") COLLATE "C"`, p)} OR ${prefixOf(Prisma.sql`lower(u."familyName") COLLATE "C"`, p)})`,
    );
  }
  if (filter.attributeValues) c.push(containsOneOf(filter.attributeValues));
  return c;
}

const containsOneOf = (group: string[]) => Prisma.sql`(${Prisma.join(group.map((json) => Prisma.sql`u."attributes" @> ${json}::jsonb`), " OR ")})`;

/** The other conditions: status, dates, the actor's segments. */
function restOf(filter: UserListFilter, now: Date): Prisma.Sql[] {
  // Accounts provisioned without a sign-in address are SCIM's to manage (lib/scim).
  const c: Prisma.Sql[] = [Prisma.sql`u."email" IS NOT NULL`];
  if (filter.status) c.push(Prisma.sql`(${statusCondition(filter.status, now)})`);
  if (filter.createdFrom) c.push(Prisma.sql`u."createdAt" >= ${filter.createdFrom.toISOString()}::timestamp`);
  if (filter.createdBefore) c.push(Prisma.sql`u."createdAt" < ${filter.createdBefore.toISOString()}::timestamp`);
  if (filter.signedInFrom) c.push(Prisma.sql`u."lastLoginAt" >= ${filter.signedInFrom.toISOString()}::timestamp`);
  if (filter.signedInBefore) c.push(Prisma.sql`u."lastLoginAt" < ${filter.signedInBefore.toISOString()}::timestamp`);
  for (const group of filter.segments) c.push(containsOneOf(group));
  return c;
}

const and = (c: Prisma.Sql[]) => Prisma.join(c, " AND ");

/**
 * How a page with narrowing conditions is read, decided by counting their matches up to a cap on
 * their own index (PostgreSQL's estimate of a prefix range or a containment is often off by tens
 * of times, and a wrong guess costs seconds at a million rows):
 *  - "narrow", fewer matches: read them all from their index and sort them (at most the cap);
 *  - "walk", more: walk the sort's index and keep the matches. The conditions are wrapped in a
 *    CASE, which no index answers and which the planner estimates at one half (`IS TRUE` keeps
 *    the inner estimate: it then chose to scan the table and sort), so it neither picks their
 *    index nor the table.
 * The cap balances the two (narrowCapSql): with n matches among N customers, narrowing reads about
 * 2n rows (the count, then the matches) and a walk about page·N/n, so the worst case, n at the
 * cap, is least when 2·cap = page·N/cap. At a million customers that is ~3,600 rows either way,
 * whatever the selectivity; a fixed cap of 1,000 let a walk read 26,000 (a p99 of 77 ms against 21).
 */
const PAGE_ROWS_FOR_CAP = 26;
const CAP_BOUNDS = { min: 500, max: 10_000 };

/** The cap for `users` customers (an SQL number), rounded and bounded. */
export function narrowCapSql(users: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`LEAST(${CAP_BOUNDS.max}::int, GREATEST(${CAP_BOUNDS.min}::int, round(sqrt(${PAGE_ROWS_FOR_CAP / 2}::float8 * GREATEST(${users}, 0)::float8))::int))`;
}

/** Over the planner's row count of "User" (pg_class.reltuples, kept by ANALYZE and autovacuum; -1 before the first). */
const CAP_SQL = Prisma.sql`(SELECT ${narrowCapSql(Prisma.sql`reltuples`)} FROM pg_class WHERE oid = '"User"'::regclass)`;

type Mode = "narrow" | "walk" | "plain";

const COLUMNS = Prisma.sql`u."id", u."email", u."displayName", u."givenName", u."familyName", u."emailVerifiedAt", u."lockedUntil", u."disabledAt",
           u."deletionRequestedAt", u."createdAt", u."lastLoginAt"`;

/** The SQL of one page: `limit` rows from the position, in the scan's order (reversed for a "before" page). */
export function userListPageSql(filter: UserListFilter, position: UserListPosition, limit: number, now: Date, mode: Mode): Prisma.Sql {
  const key = SORT_KEY[position.sort];
  const narrowing = narrowingOf(filter);
  const conditions = restOf(filter, now);
  // A CASE no index answers and whose selectivity the planner takes as one half: it walks the sort's index.
  if (mode === "walk") conditions.unshift(Prisma.sql`(CASE WHEN ${and(narrowing)} THEN true ELSE false END)`);
  if (mode === "plain") conditions.unshift(...narrowing);
  const from = position.from;
  // A "before" page scans backwards from the row, then the caller reverses it.
  const ascending = (position.dir === "asc") !== (from?.direction === "before");
  if (from) {
    const cmp = ascending ? Prisma.raw(">") : Prisma.raw("<");
    conditions.push(Prisma.sql`(${key}, u."id") ${cmp} (${keyParam(position.sort, from.key)}, ${from.id}::uuid)`);
  }
  const order = ascending ? Prisma.raw("ASC") : Prisma.raw("DESC");
  const where = conditions.length ? Prisma.sql`WHERE ${and(conditions)}` : Prisma.empty;
  // MATERIALIZED: the matches are read from their index first, whatever the planner makes of the sort.
  const source = mode === "narrow" ? Prisma.sql`(SELECT ${COLUMNS}, u."attributes" FROM "User" u WHERE ${and(narrowing)})` : Prisma.sql`"User"`;
  return Prisma.sql`
    ${mode === "narrow" ? Prisma.sql`WITH matches AS MATERIALIZED ${source}` : Prisma.empty}
    SELECT ${COLUMNS}, lower(u."email") AS "emailKey"
      FROM ${mode === "narrow" ? Prisma.sql`matches` : source} u
      ${where}
     ORDER BY ${key} ${order}, u."id" ${order}
     LIMIT ${limit}`;
}

async function modeOf(filter: UserListFilter): Promise<Mode> {
  const narrowing = narrowingOf(filter);
  if (narrowing.length === 0) return "plain";
  // Only the narrowing's indexes: with LIMIT and an estimate of thousands of matches, the planner
  // would rather scan the table until it has found enough (0.4 s for a name at a million).
  const counted = await withTransaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
    // The cap and the count in one statement: no extra round trip.
    const [row] = await tx.$queryRaw<{ n: number; cap: number }[]>(
      Prisma.sql`WITH c AS (SELECT ${CAP_SQL} AS cap) SELECT (SELECT cap FROM c) AS cap, (SELECT count(*)::int FROM (SELECT 1 FROM "User" u WHERE ${and(narrowing)} LIMIT (SELECT cap FROM c)) x) AS n`,
    );
    return row ?? { n: 0, cap: 1 };
  });
  return counted.n < counted.cap ? "narrow" : "walk";
}

export async function findUserListPage(filter: UserListFilter, position: UserListPosition, limit: number, now: Date): Promise<UserListRow[]> {
  const mode = await modeOf(filter);
  return (await getDb()).$queryRaw<UserListRow[]>(userListPageSql(filter, position, limit, now, mode));
}

/** EXPLAIN of a page's query (the benchmark's plan checks). */
export async function explainUserListPage(filter: UserListFilter, position: UserListPosition, limit: number, now: Date): Promise<string> {
  const mode = await modeOf(filter);
  const rows = await (await getDb()).$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${userListPageSql(filter, position, limit, now, mode)}`);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}
