// Outbound provisioning targets (docs/architecture.md, "Outbound provisioning"): SCIM 2.0 services
// Portico pushes its customers to. Every function asserts provisioning:read or provisioning:write
// itself and every change is audited (never the token). The base URL is checked when it is saved
// (checkOutboundUrl: the SSRF policy; https unless the policy allows internal addresses; never this
// Portico's own /scim/v2, which would push users back into the directory they come from) and again
// on every request by safeFetch. The token is sealed at rest and never shown again.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { config } from "@/lib/config";
import { encryptAtRest } from "@/lib/crypto";
import { DomainError } from "@/lib/errors";
import { isUuid } from "@/lib/formats";
import { kickOutbox } from "@/lib/outbox";
import { checkOutboundUrl, isLocalHost, OutboundRequestError } from "@/lib/outbound";
import { assertPermission, type Actor } from "@/lib/users";
import { mappingOf, TOKEN_PURPOSE } from "./sync";
import { checkMapping, DEFAULT_MAPPING, mappingFromText, mappingToText, targetInputSchema, tokenInputSchema, type MappingEntry, type TargetInput } from "./targets.schema";
import {
  deleteTargetRow,
  enqueueFullSync,
  enqueueReconcileBatch,
  findApplication,
  findGroupIdByName,
  findGroupName,
  findTarget,
  insertTarget,
  listLogRows,
  listTargetRows,
  lockTarget,
  pendingJobs,
  setReconcileState,
  targetsToReconcile,
  updateTargetRow,
  withTransaction,
  type LogRow,
  type TargetData,
  type TargetRow,
} from "./targets.repo";

export type ProvisioningTargetErrorCode = "invalid_input" | "not_found" | "disabled";

export class ProvisioningTargetError extends DomainError<ProvisioningTargetErrorCode> {
  override readonly name = "ProvisioningTargetError";
  override readonly shownToUser = true;
}

/** A reconciliation pass queues at most this many users per target. */
export const RECONCILE_BATCH = 2000;
/** A target is reconciled from start to end once a day. */
const RECONCILE_EVERY_MS = 24 * 3600_000;

const invalid = (field: string, message: string) => new ProvisioningTargetError("invalid_input", message, field);
const notFound = () => new ProvisioningTargetError("not_found", "No such provisioning target.");

/** What the console shows of a target: never its token. */
export interface TargetView {
  id: string;
  name: string;
  baseUrl: string;
  mapping: MappingEntry[];
  scope: string;
  scopeGroupId: string | null;
  scopeGroupName: string | null;
  scopeApplicationId: string | null;
  onLeave: string;
  enabled: boolean;
  reconcileRunning: boolean;
  lastReconciledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function viewOf(row: TargetRow, groupName: string | null = null): TargetView {
  let mapping: MappingEntry[];
  try {
    mapping = mappingOf(row);
  } catch {
    mapping = [];
  }
  const { id, name, baseUrl, scope, scopeGroupId, scopeApplicationId, onLeave, enabled, reconcileRunning, lastReconciledAt, createdAt, updatedAt } = row;
  return { id, name, baseUrl, mapping, scope, scopeGroupId, scopeGroupName: groupName, scopeApplicationId, onLeave, enabled, reconcileRunning, lastReconciledAt, createdAt, updatedAt };
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** The base URL as stored: checked against the outbound policy and the loop guard. */
export function checkTargetUrl(raw: string): string {
  let url: URL;
  try {
    url = checkOutboundUrl(raw);
  } catch (e) {
    if (e instanceof OutboundRequestError) throw invalid("baseUrl", e.code === "outbound.invalid_url" ? "Enter an https URL without user name or password." : `Portico may not call this address (${e.message}).`);
    throw e;
  }
  const policy = config();
  // Plain http only to this machine or a private network the policy lets Portico reach: the bearer
  // token must not cross the internet in clear.
  if (url.protocol === "http:" && (!(policy.OUTBOUND_ALLOW_LOOPBACK || policy.OUTBOUND_ALLOW_PRIVATE) || !isLocalHost(url.hostname))) throw invalid("baseUrl", "Use https (plain http only to this machine or a private address the outbound policy allows).");
  if (url.search || url.hash) throw invalid("baseUrl", "Enter the base URL without a query or fragment.");
  // The loop guard: this Portico's own SCIM server would receive its own users back.
  const own = new URL(config().publicUrl);
  const host = (u: URL) => (LOOPBACK_NAMES.has(u.hostname.toLowerCase()) ? "loopback" : u.hostname.toLowerCase());
  const port = (u: URL) => u.port || (u.protocol === "https:" ? "443" : "80");
  const path = url.pathname.replace(/\/+$/, "").toLowerCase();
  const ownScim = `${own.pathname.replace(/\/+$/, "")}/scim/v2`.toLowerCase();
  if (host(url) === host(own) && port(url) === port(own) && (path === ownScim || path.startsWith(`${ownScim}/`))) {
    throw invalid("baseUrl", "This is Portico's own SCIM API: users pushed there would come back as new users. Enter another service's base URL.");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** The input, checked: each problem tied to its field. */
async function targetData(input: TargetInput): Promise<TargetData> {
  const parsed = targetInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(String(issue.path[0] ?? ""), issue.message);
  }
  const v = parsed.data;
  const baseUrl = checkTargetUrl(v.baseUrl);
  let mapping: MappingEntry[] = DEFAULT_MAPPING;
  if (v.mapping.trim()) {
    const entries = mappingFromText(v.mapping);
    if ("problem" in entries) throw invalid("mapping", entries.problem);
    const checked = checkMapping(entries);
    if ("problem" in checked) throw invalid("mapping", checked.problem);
    mapping = checked.mapping;
  }
  let scopeGroupId: string | null = null;
  let scopeApplicationId: string | null = null;
  if (v.scope === "group") {
    scopeGroupId = await findGroupIdByName(v.scopeGroup);
    if (!scopeGroupId) throw invalid("scopeGroup", "No group has that name.");
  }
  if (v.scope === "application") {
    scopeApplicationId = (await findApplication(v.scopeApplicationId))?.id ?? null;
    if (!scopeApplicationId) throw invalid("scopeApplicationId", "No application has that id or client ID.");
  }
  return { name: v.name, baseUrl, mapping, scope: v.scope, scopeGroupId, scopeApplicationId, onLeave: v.onLeave };
}

function sealToken(token: unknown): string {
  const parsed = tokenInputSchema.safeParse(token);
  if (!parsed.success) throw invalid("token", parsed.error.issues[0]!.message);
  return encryptAtRest(parsed.data, TOKEN_PURPOSE);
}

const adminActor = (actor: Actor) => ({ type: "admin", id: actor.id }) as const;
const auditTarget = (id: string) => ({ type: "provisioning_target", id });
const hostOf = (url: string) => new URL(url).host;

export async function listTargets(actor: Actor): Promise<(TargetView & { mapped: number; pending: number; failed: number })[]> {
  assertPermission(actor, "provisioning:read");
  return (await listTargetRows()).map((r) => ({ ...viewOf(r), mapped: r.mapped, pending: r.pending, failed: r.failed }));
}

export async function getTarget(actor: Actor, id: string): Promise<TargetView & { pending: number }> {
  assertPermission(actor, "provisioning:read");
  const row = isUuid(id) ? await findTarget(id) : null;
  if (!row) throw notFound();
  return { ...viewOf(row, row.scopeGroupId ? await findGroupName(row.scopeGroupId) : null), pending: await pendingJobs(row.id) };
}

/** The target's push attempts, newest first. */
export async function listTargetLog(actor: Actor, id: string, take = 100): Promise<LogRow[]> {
  assertPermission(actor, "provisioning:read");
  if (!isUuid(id)) throw notFound();
  return listLogRows(id, Math.max(1, Math.min(take, 500)));
}

export async function createTarget(actor: Actor, input: TargetInput & { token: string; enabled?: boolean }, ctx: RequestContext): Promise<{ id: string; queued: number }> {
  assertPermission(actor, "provisioning:write");
  const data = await targetData(input);
  const tokenSealed = sealToken(input.token);
  const result = await withTransaction(async (tx) => {
    const row = await insertTarget({ ...data, tokenSealed, createdBy: actor.id }, tx);
    const enabled = input.enabled === true;
    const target = enabled ? ((await updateTargetRow(row.id, { enabled: true }, tx)) ?? row) : row;
    // The initial full sync, committed with the target.
    const queued = enabled ? await enqueueFullSync(target, tx) : 0;
    await recordAudit({ actor: adminActor(actor), action: "provisioning_target.created", target: auditTarget(row.id), result: "success", context: ctx, details: { name: data.name, host: hostOf(data.baseUrl), scope: data.scope, onLeave: data.onLeave, enabled, attributes: data.mapping.map((m) => m.target) } }, tx);
    return { id: row.id, queued };
  });
  if (result.queued) kickOutbox();
  return result;
}

/**
 * Saves a target's settings. A base URL on another origin needs `token` with it: the stored token
 * is the old service's and is never sent to a host the administrator has just typed.
 */
export async function updateTarget(actor: Actor, id: string, input: TargetInput & { token?: string }, ctx: RequestContext): Promise<{ queued: number }> {
  assertPermission(actor, "provisioning:write");
  if (!isUuid(id)) throw notFound();
  const data = await targetData(input);
  const newToken = input.token?.trim() ? sealToken(input.token) : undefined;
  const queued = await withTransaction(async (tx) => {
    const before = await lockTarget(id, tx);
    if (!before) throw notFound();
    if (new URL(data.baseUrl).origin !== new URL(before.baseUrl).origin && !newToken) {
      throw invalid("token", "The address is on another host: enter the token for that service (the stored token is never sent to a new host).");
    }
    if (newToken) {
      await updateTargetRow(id, { tokenSealed: newToken }, tx);
      await recordAudit({ actor: adminActor(actor), action: "provisioning_target.token_replaced", target: auditTarget(id), result: "success", context: ctx, details: { name: data.name } }, tx);
    }
    // The stored mapping is JSONB (its keys come back reordered): compare it as the console's text.
    const comparable = (k: keyof TargetData, v: unknown) => (k === "mapping" ? mappingToText(Array.isArray(v) ? (v as MappingEntry[]) : []) : v);
    const changed = (Object.keys(data) as (keyof TargetData)[]).filter((k) => comparable(k, data[k]) !== comparable(k, before[k]));
    if (!changed.length) return 0;
    const after = (await updateTargetRow(id, data, tx))!;
    await recordAudit({ actor: adminActor(actor), action: "provisioning_target.updated", target: auditTarget(id), result: "success", context: ctx, details: { name: data.name, changed, ...(changed.includes("baseUrl") ? { host: hostOf(data.baseUrl) } : {}) } }, tx);
    // What the target should hold may have changed for anyone: converge everyone (set-based).
    return after.enabled ? enqueueFullSync(after, tx) : 0;
  });
  if (queued) kickOutbox();
  return { queued };
}

export async function replaceTargetToken(actor: Actor, id: string, token: string, ctx: RequestContext): Promise<void> {
  assertPermission(actor, "provisioning:write");
  if (!isUuid(id)) throw notFound();
  const tokenSealed = sealToken(token);
  await withTransaction(async (tx) => {
    const row = await updateTargetRow(id, { tokenSealed }, tx);
    if (!row) throw notFound();
    await recordAudit({ actor: adminActor(actor), action: "provisioning_target.token_replaced", target: auditTarget(id), result: "success", context: ctx, details: { name: row.name } }, tx);
  });
}

/** Enabling starts a full sync; disabling stops pushing (pending jobs find the target disabled and end). */
export async function setTargetEnabled(actor: Actor, id: string, enabled: boolean, ctx: RequestContext): Promise<{ queued: number }> {
  assertPermission(actor, "provisioning:write");
  if (!isUuid(id)) throw notFound();
  const queued = await withTransaction(async (tx) => {
    const before = await lockTarget(id, tx);
    if (!before) throw notFound();
    if (before.enabled === enabled) return 0;
    const row = (await updateTargetRow(id, { enabled }, tx))!;
    await recordAudit({ actor: adminActor(actor), action: enabled ? "provisioning_target.enabled" : "provisioning_target.disabled", target: auditTarget(id), result: "success", context: ctx, details: { name: row.name } }, tx);
    return enabled ? enqueueFullSync(row, tx) : 0;
  });
  if (queued) kickOutbox();
  return { queued };
}

async function enabledTarget(id: string): Promise<TargetRow> {
  const row = isUuid(id) ? await findTarget(id) : null;
  if (!row) throw notFound();
  if (!row.enabled) throw new ProvisioningTargetError("disabled", "Enable the target first.");
  return row;
}

/** "Sync now": a job for every user in scope and every user the target holds. */
export async function syncTargetNow(actor: Actor, id: string, ctx: RequestContext): Promise<{ queued: number }> {
  assertPermission(actor, "provisioning:write");
  const row = await enabledTarget(id);
  const queued = await withTransaction(async (tx) => {
    const n = await enqueueFullSync(row, tx);
    await recordAudit({ actor: adminActor(actor), action: "provisioning_target.sync_requested", target: auditTarget(id), result: "success", context: ctx, details: { name: row.name, queued: n } }, tx);
    return n;
  });
  kickOutbox();
  return { queued };
}

/** "Reconcile now": starts a reconciliation from the first user; its first batch is queued at once, the rest by the janitor's passes. */
export async function reconcileTargetNow(actor: Actor, id: string, ctx: RequestContext): Promise<{ queued: number }> {
  assertPermission(actor, "provisioning:write");
  const row = await enabledTarget(id);
  await recordAudit({ actor: adminActor(actor), action: "provisioning_target.reconcile_requested", target: auditTarget(id), result: "success", context: ctx, details: { name: row.name } });
  const queued = await reconcileBatch({ ...row, reconcileRunning: true, reconcileCursor: null }, new Date());
  kickOutbox();
  return { queued };
}

export async function deleteTarget(actor: Actor, id: string, ctx: RequestContext): Promise<void> {
  assertPermission(actor, "provisioning:write");
  if (!isUuid(id)) throw notFound();
  await withTransaction(async (tx) => {
    const row = await lockTarget(id, tx);
    if (!row) throw notFound();
    await deleteTargetRow(id, tx);
    await recordAudit({ actor: adminActor(actor), action: "provisioning_target.deleted", target: auditTarget(id), result: "success", context: ctx, details: { name: row.name, host: hostOf(row.baseUrl) } }, tx);
  });
}

async function reconcileBatch(target: TargetRow, now: Date, limit = RECONCILE_BATCH): Promise<number> {
  const { count, last } = await enqueueReconcileBatch(target, target.reconcileCursor, limit);
  // A short batch ends the walk; a full one leaves the cursor for the next pass.
  if (count < limit) await setReconcileState(target.id, { reconcileRunning: false, reconcileCursor: null, lastReconciledAt: now });
  else await setReconcileState(target.id, { reconcileRunning: true, reconcileCursor: last });
  return count;
}

/**
 * The janitor's pass: for each enabled target whose reconciliation runs or is due (daily), one
 * bounded batch of reconcile jobs, resumed from its cursor next time. The number of jobs queued.
 */
export async function reconcileProvisioningTargets(now = new Date(), limit = RECONCILE_BATCH): Promise<number> {
  let queued = 0;
  for (const target of await targetsToReconcile(new Date(now.getTime() - RECONCILE_EVERY_MS))) {
    // A walk that is not running starts from the first user.
    queued += await reconcileBatch(target.reconcileRunning ? target : { ...target, reconcileCursor: null }, now, limit);
  }
  return queued;
}
