// Storage for outbound provisioning: targets, mappings (what a target holds for a user), the job
// queue (claimed by lib/outbox) and the push log. Who is in a target's scope is one SQL condition
// (scopeCondition), so enqueuing a full sync or a reconciliation batch is one INSERT ... SELECT,
// whatever the number of users.
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";

export { withTransaction } from "@/lib/db";

const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export interface TargetRow {
  id: string;
  name: string;
  baseUrl: string;
  tokenSealed: string;
  mapping: unknown;
  scope: string;
  scopeGroupId: string | null;
  scopeApplicationId: string | null;
  onLeave: string;
  enabled: boolean;
  reconcileRunning: boolean;
  reconcileCursor: string | null;
  lastReconciledAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type TargetData = Pick<TargetRow, "name" | "baseUrl" | "scope" | "scopeGroupId" | "scopeApplicationId" | "onLeave"> & { mapping: { target: string; source: string }[] };

export async function insertTarget(data: TargetData & { tokenSealed: string; createdBy: string }, tx: Tx): Promise<TargetRow> {
  return tx.provisioningTarget.create({ data: { ...data, mapping: data.mapping as Prisma.InputJsonValue } });
}

export async function updateTargetRow(id: string, data: Partial<TargetData> & { tokenSealed?: string; enabled?: boolean }, tx: Tx): Promise<TargetRow | null> {
  const { count } = await tx.provisioningTarget.updateMany({ where: { id }, data: { ...data, mapping: data.mapping as Prisma.InputJsonValue | undefined } });
  return count ? tx.provisioningTarget.findUnique({ where: { id } }) : null;
}

/** The row under a lock (the change's transaction). */
export async function lockTarget(id: string, tx: Tx): Promise<TargetRow | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "ProvisioningTarget" WHERE id = ${id}::uuid FOR UPDATE`;
  return rows.length ? tx.provisioningTarget.findUnique({ where: { id } }) : null;
}

export async function deleteTargetRow(id: string, tx: Tx): Promise<boolean> {
  return (await tx.provisioningTarget.deleteMany({ where: { id } })).count === 1;
}

export async function findTarget(id: string): Promise<TargetRow | null> {
  return (await getDb()).provisioningTarget.findUnique({ where: { id } });
}

export async function listTargetRows(): Promise<(TargetRow & { mapped: number; pending: number; failed: number })[]> {
  const db = await getDb();
  const rows = await db.provisioningTarget.findMany({ orderBy: { createdAt: "asc" }, take: 200 });
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [mapped, jobs] = await Promise.all([
    db.provisioningMapping.groupBy({ by: ["targetId"], where: { targetId: { in: ids } }, _count: { _all: true } }),
    db.provisioningJob.groupBy({ by: ["targetId", "status"], where: { targetId: { in: ids } }, _count: { _all: true } }),
  ]);
  return rows.map((r) => ({
    ...r,
    mapped: mapped.find((m) => m.targetId === r.id)?._count._all ?? 0,
    pending: jobs.find((j) => j.targetId === r.id && j.status === "pending")?._count._all ?? 0,
    failed: jobs.find((j) => j.targetId === r.id && j.status === "failed")?._count._all ?? 0,
  }));
}

/** A group by its name (ignoring case: the expression of its unique index). */
export async function findGroupIdByName(name: string): Promise<string | null> {
  const rows = await (await getDb()).$queryRaw<{ id: string }[]>`SELECT id FROM "Group" WHERE lower("displayName") COLLATE "C" = lower(${name}) COLLATE "C" LIMIT 1`;
  return rows[0]?.id ?? null;
}

export async function findGroupName(id: string): Promise<string | null> {
  return (await (await getDb()).group.findUnique({ where: { id }, select: { displayName: true } }))?.displayName ?? null;
}

/** An application by its id or its client_id. */
export async function findApplication(idOrClientId: string): Promise<{ id: string; name: string } | null> {
  const db = await getDb();
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrClientId);
  return db.application.findFirst({ where: isUuid ? { OR: [{ id: idOrClientId }, { clientId: idOrClientId }] } : { clientId: idOrClientId }, select: { id: true, name: true } });
}

// --- scope

type ScopeOf = Pick<TargetRow, "scope" | "scopeGroupId" | "scopeApplicationId">;

/**
 * Whether the user `u` is pushed to the target: a customer (no console role, like lib/scim's
 * NOT_STAFF) with a proved sign-in address (an address anyone may type at registration must not
 * reach a directory that trusts it), in the target's scope (everyone, a group's members, or the
 * holders of a role of an application, directly or through a group: lib/applications' RoleAssignment).
 */
function eligible(t: ScopeOf): Prisma.Sql {
  const base = Prisma.sql`u.email IS NOT NULL AND u."emailVerifiedAt" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = u.id)`;
  if (t.scope === "all") return base;
  if (t.scope === "group") {
    if (!t.scopeGroupId) return Prisma.sql`FALSE`;
    return Prisma.sql`${base} AND EXISTS (SELECT 1 FROM "GroupMember" m WHERE m."groupId" = ${t.scopeGroupId}::uuid AND m."userId" = u.id)`;
  }
  if (t.scope === "application" && t.scopeApplicationId) {
    return Prisma.sql`${base} AND EXISTS (
      SELECT 1 FROM "RoleAssignment" ra JOIN "ApplicationRole" ar ON ar.id = ra."roleId"
      WHERE ar."applicationId" = ${t.scopeApplicationId}::uuid
        AND (ra."userId" = u.id OR ra."groupId" IN (SELECT gm."groupId" FROM "GroupMember" gm WHERE gm."userId" = u.id)))`;
  }
  return Prisma.sql`FALSE`;
}

/** A user's side of a sync: null when the account is gone (erased). */
export interface SyncSource {
  id: string;
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  middleName: string | null;
  displayName: string | null;
  nickname: string | null;
  locale: string | null;
  zoneinfo: string | null;
  phoneNumber: string | null;
  attributes: unknown;
  disabledAt: Date | null;
  inScope: boolean;
}

export async function readSyncSource(target: ScopeOf, userId: string): Promise<SyncSource | null> {
  const rows = await (await getDb()).$queryRaw<SyncSource[]>`
    SELECT u.id, u.email, u."givenName", u."familyName", u."middleName", u."displayName", u.nickname, u.locale, u.zoneinfo,
           u."phoneNumber", u.attributes, u."disabledAt", (${eligible(target)}) AS "inScope"
    FROM "User" u WHERE u.id = ${userId}::uuid`;
  return rows[0] ?? null;
}

// --- mappings

export interface MappingRow {
  targetId: string;
  userId: string;
  remoteId: string;
  hash: string;
  state: string;
}

export async function findMapping(targetId: string, userId: string): Promise<MappingRow | null> {
  return (await getDb()).provisioningMapping.findUnique({ where: { targetId_userId: { targetId, userId } } });
}

/** Whether another Portico user is mapped to `remoteId` at the target. */
export async function remoteIdMappedToOther(targetId: string, remoteId: string, userId: string): Promise<boolean> {
  return (await (await getDb()).provisioningMapping.count({ where: { targetId, remoteId, userId: { not: userId } } })) > 0;
}

export async function saveMapping(row: MappingRow): Promise<void> {
  const { targetId, userId, ...rest } = row;
  await (await getDb()).provisioningMapping.upsert({ where: { targetId_userId: { targetId, userId } }, create: row, update: rest });
}

export async function dropMapping(targetId: string, userId: string): Promise<void> {
  await (await getDb()).provisioningMapping.deleteMany({ where: { targetId, userId } });
}

// --- jobs

// At most one pending job per (target, user): the partial unique index. A job that is pending
// (perhaps running) gets `again`, so it converges once more before it ends.
const COALESCE = Prisma.sql`ON CONFLICT ("targetId", "userId") WHERE status = 'pending'
  DO UPDATE SET again = true, reconcile = "ProvisioningJob".reconcile OR EXCLUDED.reconcile`;

/** One job per enabled target for this user (an identity event's sink). */
export async function enqueueForUser(userId: string): Promise<number> {
  return (await getDb()).$executeRaw`
    INSERT INTO "ProvisioningJob" (id, "targetId", "userId", "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid(), t.id, ${userId}::uuid, ${NOW_UTC}, ${NOW_UTC} FROM "ProvisioningTarget" t WHERE t.enabled
    ${COALESCE}`;
}

/** A full sync: every user in scope and every user the target holds, in one statement. */
export async function enqueueFullSync(target: TargetRow, tx?: Tx): Promise<number> {
  const db = tx ?? (await getDb());
  return db.$executeRaw`
    INSERT INTO "ProvisioningJob" (id, "targetId", "userId", "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid(), ${target.id}::uuid, s.id, ${NOW_UTC}, ${NOW_UTC}
    FROM (SELECT u.id FROM "User" u WHERE ${eligible(target)}
          UNION SELECT pm."userId" FROM "ProvisioningMapping" pm WHERE pm."targetId" = ${target.id}::uuid) s
    ${COALESCE}`;
}

/**
 * The next reconciliation batch: up to `limit` users after `cursor` (by id) who are in scope or
 * held by the target, each branch an index range, queued as reconcile jobs. The batch's last id
 * and size come back (the rows stay in the database).
 */
export async function enqueueReconcileBatch(target: TargetRow, cursor: string | null, limit: number): Promise<{ count: number; last: string | null }> {
  const after = cursor ?? "00000000-0000-0000-0000-000000000000";
  const rows = await (await getDb()).$queryRaw<{ count: number; last: string | null }[]>`
    WITH batch AS (
      SELECT id FROM (
        (SELECT u.id FROM "User" u WHERE u.id > ${after}::uuid AND ${eligible(target)} ORDER BY u.id LIMIT ${limit}::int)
        UNION
        (SELECT pm."userId" AS id FROM "ProvisioningMapping" pm WHERE pm."targetId" = ${target.id}::uuid AND pm."userId" > ${after}::uuid ORDER BY pm."userId" LIMIT ${limit}::int)
      ) s ORDER BY id LIMIT ${limit}::int
    ), queued AS (
      INSERT INTO "ProvisioningJob" (id, "targetId", "userId", reconcile, "nextAttemptAt", "createdAt")
      SELECT gen_random_uuid(), ${target.id}::uuid, id, true, ${NOW_UTC}, ${NOW_UTC} FROM batch
      ${COALESCE}
    )
    SELECT count(*)::int AS count, max(id::text) AS last FROM batch`;
  return rows[0] ?? { count: 0, last: null };
}

export async function setReconcileState(id: string, data: { reconcileRunning: boolean; reconcileCursor: string | null; lastReconciledAt?: Date }): Promise<void> {
  await (await getDb()).provisioningTarget.updateMany({ where: { id }, data });
}

/** Enabled targets whose reconciliation runs or is due (last finished before `dueBefore`). */
export async function targetsToReconcile(dueBefore: Date): Promise<TargetRow[]> {
  return (await getDb()).provisioningTarget.findMany({
    where: { enabled: true, OR: [{ reconcileRunning: true }, { lastReconciledAt: null }, { lastReconciledAt: { lt: dueBefore } }] },
    orderBy: { id: "asc" },
    take: 100,
  });
}

export interface JobRow {
  id: string;
  targetId: string;
  userId: string;
  reconcile: boolean;
  again: boolean;
  attempts: number;
}

/** The job starts a round: a change arriving from now on sets `again` for the next one. */
export async function startRound(id: string): Promise<void> {
  await (await getDb()).provisioningJob.updateMany({ where: { id }, data: { again: false } });
}

/** Removes the job unless a change arrived during the round (then false: converge again). */
export async function finishJob(id: string): Promise<boolean> {
  const { count } = await (await getDb()).provisioningJob.deleteMany({ where: { id, again: false, status: "pending" } });
  if (count) return true;
  return (await (await getDb()).provisioningJob.count({ where: { id, status: "pending" } })) === 0;
}

/** Leaves the job due for the next pass (it kept changing under us). */
export async function releaseJob(id: string): Promise<void> {
  await (await getDb()).provisioningJob.updateMany({ where: { id, status: "pending" }, data: { lockedUntil: null } });
}

export async function pendingJobs(targetId: string): Promise<number> {
  return (await getDb()).provisioningJob.count({ where: { targetId, status: "pending" } });
}

// --- the log

export interface LogRow {
  id: string;
  targetId: string;
  userId: string;
  action: string;
  httpStatus: number | null;
  outcome: string;
  error: string | null;
  at: Date;
}

export async function insertLog(row: Omit<LogRow, "id" | "at">): Promise<void> {
  await (await getDb()).provisioningLog.create({ data: row });
}

export async function listLogRows(targetId: string, take: number): Promise<LogRow[]> {
  return (await getDb()).provisioningLog.findMany({ where: { targetId }, orderBy: [{ at: "desc" }, { id: "desc" }], take });
}

export async function deleteLogsBefore(cutoff: Date): Promise<number> {
  return (await (await getDb()).provisioningLog.deleteMany({ where: { at: { lt: cutoff } } })).count;
}

/**
 * Account erasure, in its transaction: the person's push log (a target's error text may repeat
 * their userName or address) and given-up jobs. Pending jobs and the mappings stay: they are what
 * deletes the copies at the targets.
 */
export async function deleteProvisioningTracesOf(userId: string, tx: Tx): Promise<number> {
  const logs = await tx.provisioningLog.deleteMany({ where: { userId } });
  const jobs = await tx.provisioningJob.deleteMany({ where: { userId, status: "failed" } });
  return logs.count + jobs.count;
}
