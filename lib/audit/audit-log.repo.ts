import "server-only";
// The console's reads of the whole audit log (lib/audit-admin authorises them) and the retention
// purge. Direct SQL (lib/db/sql.ts): the WHERE clause is built from the filters that are set, and
// every page is one keyset scan by id on an index chosen for its filter (migration
// 20261214120000_audit_log_console says which index serves which filter).
import { getSql, withTransaction, type SqlParam } from "@/lib/db";

export interface AuditLogRow {
  id: string;
  createdAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  result: string;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
}

/** What the viewer and the export filter on; every field optional, all of them ANDed. */
export type AuditLogQuery = {
  actorId?: string;
  targetType?: string;
  targetId?: string;
  /** An exact action, or a prefix when it ends with "." ("user." matches "user.created"). */
  action?: string;
  result?: string;
  ip?: string;
  /** The client id, in the event's target (type "client") or in its details (clientId). */
  clientId?: string;
  /** createdAt >= from, createdAt < to (UTC). */
  from?: Date;
  to?: Date;
  /** Only events up to this id (an export stops at the newest event when it started). */
  untilId?: string;
  /** The id range of from/to when already resolved (auditLogIdRange), so a long export probes once. */
  idRange?: AuditLogIdRange;
};

export type AuditLogIdRange = { minId: string | null; maxId: string | null };

// The output column "id" is text (a bigint does not fit a JS number), so ORDER BY names the table's
// column ("AuditEvent".id): a bare "id" there would sort the text ("9" after "10").
const COLUMNS = `id::text AS id, "createdAt", "actorType", "actorId", "action", "targetType", "targetId", "result", "ip", "userAgent", "details"`;

/**
 * Events are stamped by the application before the sequence gives them an id, so between nodes (or
 * a slow statement) createdAt and id may disagree by a little. The time range's id bounds are taken
 * this far beyond the range's first and last events, and createdAt is still checked on every row.
 */
const CLOCK_SKEW_MS = 2 * 60_000;

/** The ids that can hold events of [from, to): a few index probes on createdAt, null when none can. */
export async function auditLogIdRange(from: Date | undefined, to: Date | undefined): Promise<AuditLogIdRange | null> {
  const sql = await getSql();
  let minId: string | null = null;
  let maxId: string | null = null;
  if (from) {
    const [first] = await sql<{ createdAt: Date }>(`SELECT "createdAt" FROM "AuditEvent" WHERE "createdAt" >= $1 ORDER BY "createdAt" LIMIT 1`, [from]);
    if (!first) return null;
    const [row] = await sql<{ id: string | null }>(`SELECT min(id)::text AS id FROM "AuditEvent" WHERE "createdAt" >= $1 AND "createdAt" < $2`, [first.createdAt, new Date(first.createdAt.getTime() + CLOCK_SKEW_MS)]);
    minId = row?.id ?? null;
  }
  if (to) {
    const [last] = await sql<{ createdAt: Date }>(`SELECT "createdAt" FROM "AuditEvent" WHERE "createdAt" < $1 ORDER BY "createdAt" DESC LIMIT 1`, [to]);
    if (!last) return null;
    const [row] = await sql<{ id: string | null }>(`SELECT max(id)::text AS id FROM "AuditEvent" WHERE "createdAt" <= $1 AND "createdAt" > $2`, [last.createdAt, new Date(last.createdAt.getTime() - CLOCK_SKEW_MS)]);
    maxId = row?.id ?? null;
  }
  if (minId && maxId && BigInt(minId) > BigInt(maxId)) return null;
  return { minId, maxId };
}

/** "user." → the half-open byte range ["user.", "user/"), in the index's "C" collation. */
function prefixRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/** The filter's conditions (without the application, which is a union: see scan) and their parameters. */
function conditionsOf(q: AuditLogQuery, idRange: AuditLogIdRange, params: SqlParam[]): string[] {
  const p = (v: SqlParam) => {
    params.push(v);
    return `$${params.length}`;
  };
  const c: string[] = [];
  if (q.actorId) c.push(`"actorId" = ${p(q.actorId)}`);
  if (q.targetId) c.push(`"targetId" = ${p(q.targetId)}`);
  if (q.targetType) c.push(`"targetType" = ${p(q.targetType)}`);
  if (q.action?.endsWith(".")) {
    const [lo, hi] = prefixRange(q.action);
    c.push(`"action" COLLATE "C" >= ${p(lo)} AND "action" COLLATE "C" < ${p(hi)}`);
  } else if (q.action) c.push(`"action" COLLATE "C" = ${p(q.action)}`);
  if (q.result) c.push(`"result" = ${p(q.result)}`);
  if (q.ip) c.push(`"ip" = ${p(q.ip)}`);
  if (idRange.minId) c.push(`id >= ${p(idRange.minId)}::bigint`);
  if (idRange.maxId) c.push(`id <= ${p(idRange.maxId)}::bigint`);
  if (q.untilId) c.push(`id <= ${p(q.untilId)}::bigint`);
  if (q.from) c.push(`"createdAt" >= ${p(q.from)}`);
  if (q.to) c.push(`"createdAt" < ${p(q.to)}`);
  return c;
}

type Direction = "older" | "newer";

/**
 * One keyset page: up to `take` events strictly older (id < cursor, newest first) or newer (id >
 * cursor, oldest first) than `cursor`. The application filter is two keyset scans, each stopping
 * at `take` rows, merged (the target's (targetId, id) and the details' partial index).
 */
async function scan(q: AuditLogQuery, cursor: string | null, direction: Direction, take: number): Promise<AuditLogRow[]> {
  const idRange = q.idRange ?? (await auditLogIdRange(q.from, q.to));
  if (!idRange) return [];
  const params: SqlParam[] = [];
  const base = conditionsOf(q, idRange, params);
  if (cursor) {
    params.push(cursor);
    base.push(direction === "older" ? `id < $${params.length}::bigint` : `id > $${params.length}::bigint`);
  }
  params.push(take);
  const limit = `$${params.length}`;
  const order = direction === "older" ? "DESC" : "ASC";
  const where = (extra: string[]) => {
    const all = [...base, ...extra];
    return all.length ? `WHERE ${all.join(" AND ")}` : "";
  };
  const sql = await getSql();
  if (!q.clientId) {
    return sql<AuditLogRow>(`SELECT ${COLUMNS} FROM "AuditEvent" ${where([])} ORDER BY "AuditEvent".id ${order} LIMIT ${limit}`, params);
  }
  params.push(q.clientId);
  const client = `$${params.length}`;
  return sql<AuditLogRow>(
    `WITH ids AS (
       (SELECT id FROM "AuditEvent" ${where([`"targetId" = ${client}`, `"targetType" = 'client'`])} ORDER BY id ${order} LIMIT ${limit})
       UNION
       (SELECT id FROM "AuditEvent" ${where([`"details" ? 'clientId'`, `("details" ->> 'clientId') = ${client}`])} ORDER BY id ${order} LIMIT ${limit})
     )
     SELECT ${COLUMNS} FROM "AuditEvent" WHERE "AuditEvent".id IN (SELECT id FROM ids) ORDER BY "AuditEvent".id ${order} LIMIT ${limit}`,
    params,
  );
}

/** Newest first: the events older than `before` (or the newest ones). */
export function queryAuditLogOlder(q: AuditLogQuery, before: string | null, take: number): Promise<AuditLogRow[]> {
  return scan(q, before, "older", take);
}

/** Oldest first: the events newer than `after` (the export's batches, the viewer's previous page). */
export function queryAuditLogNewer(q: AuditLogQuery, after: string | null, take: number): Promise<AuditLogRow[]> {
  return scan(q, after, "newer", take);
}

/** The largest event id now: an export reads up to it, so events written during the download stay out. */
export async function latestAuditEventId(): Promise<string | null> {
  const [row] = await (await getSql())<{ id: string | null }>(`SELECT max(id)::text AS id FROM "AuditEvent"`);
  return row?.id ?? null;
}

export async function findAuditLogEvent(id: string): Promise<AuditLogRow | null> {
  const [row] = await (await getSql())<AuditLogRow>(`SELECT ${COLUMNS} FROM "AuditEvent" WHERE id = $1::bigint`, [id]);
  return row ?? null;
}

/**
 * Deletes up to `batch` events created before `cutoff`, oldest first, in a transaction that opens
 * the append-only trigger's purge exception for that cutoff only (the trigger still refuses any
 * event younger than 30 days). Returns how many were deleted.
 */
export async function deleteAuditEventsBefore(cutoff: Date, batch: number): Promise<number> {
  const at = cutoff.toISOString();
  return withTransaction(async (tx) => {
    await tx.$queryRaw`SELECT set_config('portico.audit_purge_before', (${at}::timestamptz AT TIME ZONE 'UTC')::text, true)`;
    // Oldest first on the createdAt index; rows another node is deleting are skipped, not waited for.
    return tx.$executeRaw`
      DELETE FROM "AuditEvent" WHERE id IN (
        SELECT id FROM "AuditEvent" WHERE "createdAt" < (${at}::timestamptz AT TIME ZONE 'UTC')
         ORDER BY "createdAt" LIMIT ${batch}::int FOR UPDATE SKIP LOCKED)`;
  });
}
