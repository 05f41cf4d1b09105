// Bulk user export: JSON Lines or CSV of the accounts a filter selects (and, for a segment-scoped
// administrator, only those in their segments), written by the outbox in keyset batches (by id)
// appended to the job's row, downloadable when done. Profiles and custom attributes only: never a
// password hash, a factor or any other secret (the repo's select names every column read).
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { kickOutbox, markDoneInTransaction } from "@/lib/outbox";
import { listAttributeDefinitions } from "@/lib/profile";
import { assertPermission, canActOnUser, currentActor, hasPermission, permissionScope, type Actor } from "@/lib/users";
import { csvLine } from "./csv";
import { CLAIM_FIELDS } from "./rows";
import type { JobActor } from "./import";
import { JOB_LEASE_SECONDS, JobSuperseded } from "./import";
import type { ExportFilter, ExportFormat, ExportRequest } from "./user-import.schema";
import {
  accountsAfter,
  advanceExport,
  countAccounts,
  exportDoneColumns,
  insertExport,
  markExportStarted,
  withTransaction,
  type AccountFilter,
  type ExportedAccount,
  type UserExportRow,
} from "./user-import.repo";

/** Accounts read per transaction. */
export const EXPORT_BATCH_ROWS = 500;

export async function startExport(actor: Actor, request: ExportRequest, ctx: RequestContext): Promise<{ id: string }> {
  assertPermission(actor, "users:export");
  const { format, ...filter } = request;
  const jobActor: JobActor = { id: actor.id, roles: actor.roles, context: { ip: ctx.ip, userAgent: ctx.userAgent } };
  const id = await withTransaction(async (tx) => {
    const id = await insertExport({ actor: jobActor, format, filter: JSON.parse(JSON.stringify(filter)) as object }, tx);
    await recordAudit({ actor: { type: "admin", id: actor.id }, action: "user_export.started", target: { type: "user_export", id }, result: "success", context: ctx, details: { format, filter } }, tx);
    return id;
  });
  kickOutbox();
  return { id };
}

function accountFilter(f: ExportFilter): AccountFilter {
  const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000);
  return {
    status: f.status,
    createdFrom: f.createdFrom ? new Date(`${f.createdFrom}T00:00:00Z`) : undefined,
    createdBefore: f.createdTo ? dayAfter(f.createdTo) : undefined,
  };
}

const ADDRESS_CLAIMS = ["street_address", "locality", "region", "postal_code", "country"] as const;
type NameClaim = Exclude<keyof typeof CLAIM_FIELDS, (typeof ADDRESS_CLAIMS)[number]>;
const NAME_CLAIMS = (Object.keys(CLAIM_FIELDS) as (keyof typeof CLAIM_FIELDS)[]).filter((c): c is NameClaim => !(ADDRESS_CLAIMS as readonly string[]).includes(c));

/** One account as OpenID Connect claims (Core §5.1), its custom attributes and its dates. */
function claimsOf(a: ExportedAccount) {
  const stored = (a.address ?? null) as Record<string, string | null> | null;
  const address = stored ? Object.fromEntries(ADDRESS_CLAIMS.map((c) => [c, stored[CLAIM_FIELDS[c]] ?? null])) : null;
  return {
    id: a.id,
    email: a.email,
    email_verified: Boolean(a.emailVerifiedAt),
    status: a.disabledAt ? "disabled" : "active",
    // The algorithm only ("bcrypt" until an imported account signs in, then "argon2id"; "none"): never the hash.
    password: a.passwordScheme,
    ...Object.fromEntries(NAME_CLAIMS.map((c) => [c, a[CLAIM_FIELDS[c]] ?? null])),
    address,
    attributes: (a.attributes ?? {}) as Record<string, unknown>,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    last_login_at: a.lastLoginAt?.toISOString() ?? null,
  };
}

const CSV_COLUMNS = ["id", "email", "email_verified", "status", "password", ...NAME_CLAIMS, ...ADDRESS_CLAIMS, "created_at", "updated_at", "last_login_at"];

export function exportHeader(format: ExportFormat, attributeNames: readonly string[]): string {
  return format === "csv" ? csvLine([...CSV_COLUMNS, ...attributeNames.map((n) => `attr.${n}`)]) : "";
}

export function exportLine(format: ExportFormat, a: ExportedAccount, attributeNames: readonly string[]): string {
  const claims = claimsOf(a);
  if (format === "jsonl") return `${JSON.stringify(claims)}\n`;
  const flat: Record<string, unknown> = { ...claims, ...(claims.address ?? {}) };
  return csvLine([...CSV_COLUMNS.map((c) => flat[c]), ...attributeNames.map((n) => claims.attributes[n])]);
}

/** Runs (or resumes, after the cursor) one export to its end. */
export async function runExport(job: UserExportRow): Promise<void> {
  const actor = job.actor as JobActor;
  const format = job.format as ExportFormat;
  const filter = accountFilter(job.filter as ExportFilter);
  const attributeNames = (await listAttributeDefinitions()).map((d) => d.name).sort();
  // A segment-scoped administrator exports only the accounts of their segments, and is not told how
  // many accounts the tenant holds: no total ahead, and the progress counts what was written.
  // The grants as they stand now, here and at each batch.
  const tenantWide = permissionScope(await currentActor(actor.id), "users:export") === "all";
  if (!job.startedAt) await markExportStarted(job.id, tenantWide ? await countAccounts(filter) : null, exportHeader(format, attributeNames));
  let cursor = job.cursor;
  for (;;) {
    const acting = await currentActor(actor.id);
    // A role taken away mid-export ends it here: nothing more is read or written.
    const withdrawn = !hasPermission(acting, "users:export");
    const accounts = withdrawn ? [] : await accountsAfter(filter, cursor, EXPORT_BATCH_ROWS);
    const last = withdrawn || accounts.length < EXPORT_BATCH_ROWS;
    const written = accounts.filter((a) => canActOnUser(acting, "users:export", a));
    const chunk = written.map((a) => exportLine(format, a, attributeNames)).join("");
    const from = cursor;
    await withTransaction(async (tx) => {
      if (accounts.length) {
        const moved = await advanceExport(job.id, from, { cursor: accounts.at(-1)!.id, chunk, rows: written.length, leaseSeconds: JOB_LEASE_SECONDS }, tx);
        if (!moved) throw new JobSuperseded(`export ${job.id} moved past its cursor`);
      }
      if (last) {
        if (!(await markDoneInTransaction("UserExport", job.id, exportDoneColumns(), tx))) throw new JobSuperseded(`export ${job.id} finished elsewhere`);
        const details = withdrawn ? { format, stopped: "permission_withdrawn" } : { format };
        await recordAudit({ actor: { type: "admin", id: actor.id }, action: "user_export.completed", target: { type: "user_export", id: job.id }, result: "success", context: actor.context, details }, tx);
      }
    });
    if (last) return;
    cursor = accounts.at(-1)!.id;
  }
}
