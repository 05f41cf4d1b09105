// Storage for every outbox queue. A queue's rows live in its own table (MailMessage, HttpDelivery,
// AccountJob, DataExport, IdentityEvent, UserImport, UserExport, ProvisioningJob, WebhookDelivery), all with the same bookkeeping columns: status ('pending' until done or given up),
// attempts, nextAttemptAt, lockedUntil, lastError, createdAt. The statements here are the only
// place that claims, finishes, fails or deletes such rows. Times are compared in SQL on the
// database clock, so several nodes agree on "due".
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";

export type OutboxTable = "MailMessage" | "HttpDelivery" | "AccountJob" | "DataExport" | "IdentityEvent" | "UserImport" | "UserExport" | "ProvisioningJob" | "WebhookDelivery";

// Columns are `timestamp without time zone` holding UTC (Prisma's convention). A bare now() would
// be converted through the session's TimeZone, which is only right when that happens to be UTC.
export const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

// What "done" writes, per table. An account job has no done state: the transaction that does its
// work deletes the row (removeOutboxRow), because the row holds a password hash.
const DONE: Record<OutboxTable, Prisma.Sql | null> = {
  MailMessage: Prisma.sql`status = 'sent', "sentAt" = ${NOW_UTC}`,
  HttpDelivery: Prisma.sql`status = 'delivered', "deliveredAt" = ${NOW_UTC}`,
  AccountJob: null,
  // A prepared archive stays, downloadable, until its expiresAt (lib/privacy).
  DataExport: Prisma.sql`status = 'ready'`,
  IdentityEvent: Prisma.sql`status = 'published', "publishedAt" = ${NOW_UTC}`,
  // A finished import keeps its counts and report, never its file (it holds password hashes).
  UserImport: Prisma.sql`status = 'done', "finishedAt" = ${NOW_UTC}, content = ''`,
  // A finished export stays, downloadable, until its retention ends (lib/user-import).
  UserExport: Prisma.sql`status = 'done', "finishedAt" = ${NOW_UTC}`,
  // A provisioning job removes itself once the user converged (lib/provisioning/sync.ts).
  ProvisioningJob: null,
  WebhookDelivery: Prisma.sql`status = 'delivered', "deliveredAt" = ${NOW_UTC}`,
};

const DELEGATES = { MailMessage: "mailMessage", HttpDelivery: "httpDelivery", AccountJob: "accountJob", DataExport: "dataExport", IdentityEvent: "identityEvent", UserImport: "userImport", UserExport: "userExport", ProvisioningJob: "provisioningJob", WebhookDelivery: "webhookDelivery" } as const;

// The delegate calls below, typed once: every outbox table has id and createdAt.
interface RowDelegate {
  findMany(args: { where?: object; orderBy: object[]; take: number }): Promise<unknown[]>;
  findUnique(args: { where: { id: string } }): Promise<unknown>;
  deleteMany(args: { where: object }): Promise<{ count: number }>;
}
function delegate(db: Tx, table: OutboxTable): RowDelegate {
  return db[DELEGATES[table]] as unknown as RowDelegate;
}

/** The table name as an SQL identifier; only the fixed names above ever get here. */
function tableSql(table: OutboxTable): Prisma.Sql {
  if (!(table in DONE)) throw new Error(`not an outbox table: ${table}`);
  return Prisma.raw(`"${table}"`);
}

/**
 * Leases up to `limit` due rows to the caller for `leaseSeconds`. One statement, and SKIP LOCKED,
 * so concurrent workers (processes or nodes) never claim the same row: a row another worker is
 * claiming is skipped, and one it has claimed is no longer due (lockedUntil in the future). A
 * worker that dies mid-delivery frees its rows when the lease runs out.
 */
export async function claimDueRows<Row>(table: OutboxTable, limit: number, leaseSeconds: number): Promise<Row[]> {
  const t = tableSql(table);
  return (await getDb()).$queryRaw<Row[]>`
    UPDATE ${t} SET "lockedUntil" = ${NOW_UTC} + (${leaseSeconds}::int * interval '1 second')
    WHERE id IN (
      SELECT id FROM ${t}
      WHERE status = 'pending' AND "nextAttemptAt" <= ${NOW_UTC}
        AND ("lockedUntil" IS NULL OR "lockedUntil" < ${NOW_UTC})
      ORDER BY "createdAt"
      LIMIT ${limit}::int
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`;
}

// The `status = 'pending'` guards below: if a lease ran out mid-delivery, another worker may have
// re-claimed and finished the row; a late result must not move it back.

/** Marks a row done; `columns` adds the queue's own (mail: the transport, the body removed). */
export async function markRowDone(table: OutboxTable, id: string, columns?: Prisma.Sql): Promise<void> {
  const done = DONE[table];
  if (!done) return;
  await (await getDb()).$executeRaw`
    UPDATE ${tableSql(table)}
    SET ${done}, "lockedUntil" = NULL, "lastError" = NULL ${columns ? Prisma.sql`, ${columns}` : Prisma.empty}
    WHERE id = ${id}::uuid AND status = 'pending'`;
}

/**
 * Marks a row done inside the transaction that does the rest of its work (a data export: the
 * archive and the owner's mail commit together). False when it is no longer pending (another
 * worker finished it after our lease ran out); the pass's own markRowDone then changes nothing.
 */
export async function markRowDoneInTransaction(table: OutboxTable, id: string, columns: Prisma.Sql, tx: Tx): Promise<boolean> {
  const done = DONE[table];
  if (!done) throw new Error(`${table} rows are removed, not marked done`);
  const count = await tx.$executeRaw`
    UPDATE ${tableSql(table)}
    SET ${done}, "lockedUntil" = NULL, "lastError" = NULL, ${columns}
    WHERE id = ${id}::uuid AND status = 'pending'`;
  return count === 1;
}

export interface AttemptFailure {
  error: string;
  retryInSeconds: number;
  maxAttempts: number;
  /** Give up at once (the receiver will answer the same way next time). */
  permanent: boolean;
  /** Columns the queue clears when the row gives up (a dead letter keeps no secrets). */
  deadLetterColumns?: (givesUp: Prisma.Sql) => Prisma.Sql;
  /** The queue's own columns about this attempt (a webhook delivery: status code, duration). */
  attemptColumns?: Prisma.Sql;
}

/**
 * Records one failed attempt. The increment and the give-up decision happen in the same statement
 * as the read of `attempts`, so they cannot drift from the stored count. A row given up stays, as
 * status 'failed', for inspection until its retention ends. True when this attempt gave up.
 */
export async function markRowAttemptFailed(table: OutboxTable, id: string, f: AttemptFailure): Promise<boolean> {
  const givesUp = Prisma.sql`(${f.permanent}::boolean OR attempts + 1 >= ${f.maxAttempts}::int)`;
  const rows = await (await getDb()).$queryRaw<{ status: string }[]>`
    UPDATE ${tableSql(table)}
    SET attempts = attempts + 1,
        status = CASE WHEN ${givesUp} THEN 'failed' ELSE 'pending' END,
        "lastError" = ${f.error.slice(0, 1000)},
        "nextAttemptAt" = ${NOW_UTC} + (${f.retryInSeconds}::double precision * interval '1 second'),
        "lockedUntil" = NULL
        ${f.deadLetterColumns ? Prisma.sql`, ${f.deadLetterColumns(givesUp)}` : Prisma.empty}
        ${f.attemptColumns ? Prisma.sql`, ${f.attemptColumns}` : Prisma.empty}
    WHERE id = ${id}::uuid AND status = 'pending'
    RETURNING status`;
  return rows[0]?.status === "failed";
}

/**
 * Deletes a pending row inside the transaction that does its work, so the work and the removal
 * commit together. False when it is gone already (a worker whose lease ran out finished it).
 */
export async function removeOutboxRow(table: OutboxTable, id: string, tx: Tx): Promise<boolean> {
  const { count } = await delegate(tx, table).deleteMany({ where: { id, status: "pending" } });
  return count === 1;
}

/** Retention: every row created before `cutoff`, whatever its status. */
export async function deleteRowsCreatedBefore(table: OutboxTable, cutoff: Date): Promise<number> {
  const { count } = await delegate(await getDb(), table).deleteMany({ where: { createdAt: { lt: cutoff } } });
  return count;
}

/** Newest first; `where` is the table's own filter (mail: the recipient, HTTP: the kind). */
export async function listRows<Row>(table: OutboxTable, filter: { where?: object; take: number }): Promise<Row[]> {
  return (await delegate(await getDb(), table).findMany({ where: filter.where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: filter.take })) as Row[];
}

export async function findRow<Row>(table: OutboxTable, id: string): Promise<Row | null> {
  return ((await delegate(await getDb(), table).findUnique({ where: { id } })) ?? null) as Row | null;
}
