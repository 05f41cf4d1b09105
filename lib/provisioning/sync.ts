// Outbound provisioning's convergence: one job brings one user at one target to the state Portico
// wants (docs/architecture.md, "Outbound provisioning"). The desired state (the account exists? in
// scope? disabled?) is compared with the mapping row (remote id, hash of the attributes last pushed,
// state), and only the difference is sent, so running a job twice sends nothing the second time.
// Jobs are the outbox's `provisioning` queue (retries with backoff, dead letters); an identity
// event about a person queues one per enabled target; reconciliation queues jobs that also read the
// remote resource and repair drift.
import "server-only";
import { decryptAtRest } from "@/lib/crypto";
import { registerEventSink, type IdentityEvent } from "@/lib/events";
import { kickOutbox, registerOutboxQueue, runOutboxPass, type OutboxQueue } from "@/lib/outbox";
import { desiredResource, driftedAttributes, resourceHash } from "./mapping";
import { createUser, deactivateUser, deleteUser, findUserByUserName, getUser, replaceUser, ScimCallError, type Json, type ScimConnection } from "./scim-client";
import { checkMapping, type MappingEntry } from "./targets.schema";
import {
  deleteLogsBefore,
  dropMapping,
  enqueueForUser,
  findMapping,
  findTarget,
  finishJob,
  insertLog,
  readSyncSource,
  releaseJob,
  remoteIdMappedToOther,
  saveMapping,
  startRound,
  type JobRow,
  type MappingRow,
  type TargetRow,
} from "./targets.repo";

export const TOKEN_PURPOSE = "provisioning-target-token";
/** Push attempts are kept this long in the target's log. */
export const LOG_RETENTION_DAYS = 30;
const JOB_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
/** Rounds one job runs while changes keep arriving; then it waits for the next pass. */
const MAX_ROUNDS = 3;

export type PushAction = "create" | "adopt" | "update" | "deactivate" | "delete";

/** The mapping stored on the target, checked again (a row written by an older version cannot push a forbidden path). */
export function mappingOf(target: Pick<TargetRow, "mapping">): MappingEntry[] {
  const checked = Array.isArray(target.mapping) ? checkMapping(target.mapping as MappingEntry[]) : { problem: "no mapping" };
  if ("problem" in checked) throw new ScimCallError(`the target's mapping is invalid: ${checked.problem}`, undefined, true);
  return checked.mapping;
}

function connectionOf(target: TargetRow): ScimConnection {
  let token: string;
  try {
    token = decryptAtRest(target.tokenSealed, TOKEN_PURPOSE);
  } catch {
    throw new ScimCallError("the target's token cannot be read (PORTICO_SECRET changed?): replace it", undefined, true);
  }
  return { baseUrl: target.baseUrl, token };
}

/** Runs one request of a sync and logs it, whatever its outcome. */
async function step<T>(target: TargetRow, userId: string, action: PushAction, run: () => Promise<T>, statusOf: (r: T) => number | null): Promise<T> {
  try {
    const result = await run();
    await insertLog({ targetId: target.id, userId, action, httpStatus: statusOf(result), outcome: "ok", error: null });
    return result;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await insertLog({ targetId: target.id, userId, action, httpStatus: e instanceof ScimCallError ? (e.status ?? null) : null, outcome: "failed", error: error.slice(0, 300) });
    throw e;
  }
}

type RemoteState = "active" | "inactive" | "deactivated";

/**
 * Converges one user at one target. `reconcile` also reads the remote resource (RFC 7644 §3.4.1)
 * and repairs what differs from it, not only from the last push.
 */
export async function syncUser(job: Pick<JobRow, "targetId" | "userId" | "reconcile">): Promise<void> {
  const target = await findTarget(job.targetId);
  if (!target || !target.enabled) return;
  const { userId } = job;
  const conn = connectionOf(target);
  const mapping = mappingOf(target);
  const source = await readSyncSource(target, userId);
  const current = await findMapping(target.id, userId);

  const remove = async (m: MappingRow) => {
    await step(target, userId, "delete", () => deleteUser(conn, m.remoteId), (s) => s);
    await dropMapping(target.id, userId);
  };

  // Erased in Portico: its copy goes too.
  if (!source) {
    if (current) await remove(current);
    return;
  }

  // Out of scope (left the group or the role, became staff, lost the sign-in address).
  if (!source.inScope) {
    if (!current) return;
    if (target.onLeave === "delete") return remove(current);
    if (current.state === "deactivated" && !job.reconcile) return;
    if (current.state === "deactivated") {
      const remote = await getUser(conn, current.remoteId);
      if (!remote) return dropMapping(target.id, userId);
      if (driftedAttributes([], { active: false }, remote).length === 0) return;
    }
    const r = await step(target, userId, "deactivate", () => deactivateUser(conn, current.remoteId), (x) => (x.gone ? 404 : x.status));
    // Nothing left to deactivate: the target dropped it.
    if (r.gone) return dropMapping(target.id, userId);
    await saveMapping({ ...current, state: "deactivated" });
    return;
  }

  const desired = desiredResource(mapping, source, !source.disabledAt);
  const hash = resourceHash(desired);
  const state: RemoteState = desired.active ? "active" : "inactive";
  const record = (remoteId: string) => saveMapping({ targetId: target.id, userId, remoteId, hash, state });

  const create = async () => {
    const created = await step(target, userId, "create", () => createUser(conn, desired), (x) => x.status);
    if (!created.conflict) return record(created.id);
    // §3.3: 409 uniqueness — the target already has this userName: adopt that resource and make it
    // ours, only when nothing says it is someone else's: its externalId is none or the one we would
    // write, and no other Portico user is mapped to it. Otherwise a person who registered another's
    // address would take over (and, erased, delete) that person's account at the target.
    const userName = typeof desired.userName === "string" ? desired.userName : "";
    const ours = typeof desired.externalId === "string" ? desired.externalId : null;
    const found = await step(
      target,
      userId,
      "adopt",
      async () => {
        const remote = userName ? await findUserByUserName(conn, userName) : null;
        if (!remote) throw new ScimCallError("409 on create, and no single user with that userName to adopt", 409, true);
        if (remote.externalId !== null && remote.externalId !== ours) throw new ScimCallError("409 on create: the user with that userName has another externalId, so it is not adopted", 409, true);
        if (await remoteIdMappedToOther(target.id, remote.id, userId)) throw new ScimCallError("409 on create: the user with that userName is another Portico user's copy", 409, true);
        return remote.id;
      },
      () => 200,
    );
    const replaced = await step(target, userId, "update", () => replaceUser(conn, found, desired), (x) => (x.gone ? 404 : x.status));
    if (replaced.gone) throw new ScimCallError("the adopted user vanished", 404, false);
    await record(found);
  };

  const update = async (m: MappingRow) => {
    const r = await step(target, userId, "update", () => replaceUser(conn, m.remoteId, desired), (x) => (x.gone ? 404 : x.status));
    // Deleted at the target behind our back: create it again.
    if (r.gone) return create();
    await record(m.remoteId);
  };

  if (!current) return create();
  if (job.reconcile) {
    const remote = await getUser(conn, current.remoteId);
    if (!remote) return create();
    if (driftedAttributes(mapping, desired, remote as Json).length) return update(current);
    if (current.hash !== hash || current.state !== state) await record(current.remoteId);
    return;
  }
  if (current.hash === hash && current.state === state) return;
  return update(current);
}

/** One job: converge, again while changes arrive during the round; the job is removed once converged. */
async function deliver(job: JobRow): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    await startRound(job.id);
    await syncUser(job);
    if (await finishJob(job.id)) return;
  }
  await releaseJob(job.id);
}

export const provisioningQueue: OutboxQueue<JobRow> = {
  name: "provisioning",
  table: "ProvisioningJob",
  // A job makes at most a few requests per round, each bounded by safeFetch's timeout.
  leaseSeconds: () => 180,
  parallel: true,
  retryPolicy: () => ({ baseSeconds: 30, maxBackoffSeconds: 3600, maxAttempts: 10 }),
  deliver,
  isPermanent: (e) => e instanceof ScimCallError && e.permanent,
  describe: (job) => `provisioning job ${job.id} (target ${job.targetId})`,
  retentionDays: () => JOB_RETENTION_DAYS,
  sweep: async (now) => ({ logDeleted: await deleteLogsBefore(new Date(now.getTime() - LOG_RETENTION_DAYS * DAY_MS)) }),
};
registerOutboxQueue(provisioningQueue);

/** One pass over the provisioning queue (tests; the outbox runs it in production). */
export function runDueProvisioningJobs(limit?: number): Promise<{ done: number; failed: number }> {
  return runOutboxPass(provisioningQueue, limit);
}

// Every identity event about a person may change what a target should hold: queue a job per
// enabled target (one statement; a pending job coalesces). Idempotent by event id: the same event
// again only finds the job pending. An event about no person is not ours.
export async function provisioningEventSink(event: IdentityEvent): Promise<void> {
  if (!event.userId) return;
  if (await enqueueForUser(event.userId)) kickOutbox();
}
registerEventSink("provisioning", provisioningEventSink);
