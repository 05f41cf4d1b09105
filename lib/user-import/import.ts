// Bulk user import: an administrator uploads a file (parse.ts), the outbox runs it (queue.ts) in
// batches of IMPORT_BATCH_ROWS, one transaction per batch that writes the accounts, their audit
// events, the rejected rows' report lines and the new resume point together. A worker that dies
// mid-batch loses only that batch's uncommitted work; the next one resumes after the last
// committed row. Each created account gets its own "user.imported" audit event (actor: the
// administrator), each updated one "user.import_updated"; the start and the end of the job are
// audited with its counts.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { kickOutbox, markDoneInTransaction } from "@/lib/outbox";
import { listAttributeDefinitions } from "@/lib/profile";
import { ADDRESS_FIELDS, type Address, type ProfileUpdate } from "@/lib/profile/profile.schema";
import { addressHeldForSwitchBack, assertPermission, canActOnUser, currentActor, hasPermission, permissionScope, type Actor } from "@/lib/users";
import type { AttributeDefinition } from "@/lib/profile/attributes.schema";
import { csvLine } from "./csv";
import { detectFormat, ImportFileError, parseImportFile, type ImportRecord } from "./parse";
import { checkRecord, columnsProblem, emailOf, type ImportedUser } from "./rows";
import { IMPORT_BATCH_ROWS, MAX_IMPORT_BYTES, type ConflictMode, type ImportFormat, type ImportOptions } from "./user-import.schema";
import { UserImportError } from "./user-import.errors";
import {
  advanceImport,
  createAccount,
  findAccountsByEmail,
  findAddress,
  importDoneColumns,
  insertImport,
  markImportStarted,
  updateAccount,
  withTransaction,
  type ExistingAccount,
  type Tx,
  type UserImportRow,
} from "./user-import.repo";

/** Who started a job, kept with it: the worker audits as them and checks each row against their grants. */
export type JobActor = { id: string; roles: string[]; context: RequestContext };

/** A batch's transaction holds the job for this long; each batch renews it. */
export const JOB_LEASE_SECONDS = 120;

/** Another worker moved the job on (this one's lease ran out): roll back, it carries on. */
export class JobSuperseded extends Error {}

export const REPORT_HEADER = ["row", "email", "reason"] as const;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Reads an upload: UTF-8 text in a format this import reads, with at least one row and no unknown column. */
function readUpload(filename: string, bytes: Uint8Array, chosen: ImportOptions["format"]): { text: string; format: ImportFormat; rows: number } {
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw new UserImportError("too_large", `The file is ${megabytes(bytes.byteLength)}; the limit is ${megabytes(MAX_IMPORT_BYTES)}. Split it into several imports.`, "file");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserImportError("invalid_file", "The file is not UTF-8 text.", "file");
  }
  const format = chosen === "auto" ? detectFormat(filename, text) : chosen;
  try {
    const file = parseImportFile(format, text);
    const problem = file.columns && columnsProblem(file.columns);
    if (problem) throw new UserImportError("invalid_file", problem, "file");
    if (!file.records.length) throw new UserImportError("invalid_file", "The file holds no users.", "file");
    return { text, format, rows: file.records.length };
  } catch (e) {
    if (e instanceof ImportFileError) throw new UserImportError("invalid_file", e.message, "file");
    throw e;
  }
}

/**
 * Queues an import (users:import). The file is checked now (size, encoding, format, header) so that
 * a file that cannot be read is refused at the form; rows are checked by the worker.
 */
export async function startImport(
  actor: Actor,
  input: { filename: string; bytes: Uint8Array; options: ImportOptions },
  ctx: RequestContext,
): Promise<{ id: string; rows: number }> {
  assertPermission(actor, "users:import");
  const filename = input.filename.replace(/[^\w.\- ]+/g, "_").slice(0, 255) || "upload";
  const { text, format, rows } = readUpload(filename, input.bytes, input.options.format);
  const jobActor: JobActor = { id: actor.id, roles: actor.roles, context: { ip: ctx.ip, userAgent: ctx.userAgent } };
  const id = await withTransaction(async (tx) => {
    const id = await insertImport({ actor: jobActor, filename, format, onConflict: input.options.onConflict, content: text, sizeBytes: input.bytes.byteLength, totalRows: rows }, tx);
    await recordAudit({ actor: { type: "admin", id: actor.id }, action: "user_import.started", target: { type: "user_import", id }, result: "success", context: ctx, details: { filename, format, rows, onConflict: input.options.onConflict } }, tx);
    return id;
  });
  kickOutbox();
  return { id, rows };
}

/** The address members an import gives, merged into the stored ones. */
function addressOf(profile: ProfileUpdate, stored: Partial<Address> | null): Address | null | undefined {
  if (!ADDRESS_FIELDS.some((k) => profile[k] !== undefined)) return undefined;
  const address = Object.fromEntries(ADDRESS_FIELDS.map((k) => [k, profile[k] ?? stored?.[k] ?? null])) as Address;
  return ADDRESS_FIELDS.some((k) => address[k]) ? address : null;
}

function columnsOf(profile: ProfileUpdate) {
  const { streetAddress: _s, locality: _l, region: _r, postalCode: _p, country: _c, ...columns } = profile;
  return columns;
}

/** Where the segment-scoped importer's rows must land, for the reason a row outside it is refused. */
function segmentHint(actor: Actor): string {
  const scope = permissionScope(actor, "users:import");
  return scope === "all" ? "" : ` (it must carry ${scope.map((s) => `attr.${s}`).join(" or ")})`;
}

interface BatchCounts {
  created: number;
  updated: number;
  rejected: number;
  report: string;
}

type Outcome = { kind: "created" | "updated" } | { kind: "rejected"; reason: string };


async function importOne(job: UserImportRow, actor: JobActor, user: ImportedUser, existing: ExistingAccount | undefined, tx: Tx): Promise<Outcome> {
  const audit = (action: string, userId: string, details: Record<string, unknown>) =>
    recordAudit({ actor: { type: "admin", id: actor.id }, action, target: { type: "user", id: userId }, result: "success", context: actor.context, details: { importId: job.id, row: user.row, ...details } }, tx);
  if (!hasPermission(actor, "users:import")) return { kind: "rejected", reason: "the administrator who started the import may no longer import users" };
  if (!existing) {
    if (!canActOnUser(actor, "users:import", { attributes: user.attributes })) return { kind: "rejected", reason: `outside your segment${segmentHint(actor)}` };
    // An address another account left by an email change stays held while it may switch back (lib/users);
    // the report says what it says of any taken address, nothing about that other account.
    if (await addressHeldForSwitchBack(user.email, { tx })) return { kind: "rejected", reason: "an account with this email exists" };
    const id = await createAccount(
      {
        email: user.email,
        emailVerifiedAt: user.emailVerified ? new Date() : null,
        passwordHash: user.passwordHash ?? null,
        ...columnsOf(user.profile),
        address: addressOf(user.profile, null) ?? undefined,
        attributes: user.attributes,
      },
      tx,
    );
    await audit("user.imported", id, { password: user.passwordHash ? "imported_hash" : "none" });
    await emitIdentityEvent({ type: "user.created", userId: id, data: { source: "import" } }, tx);
    return { kind: "created" };
  }
  if ((job.onConflict as ConflictMode) === "skip") return { kind: "rejected", reason: "an account with this email exists (skipped)" };
  const merged = { ...(existing.attributes as Record<string, unknown>), ...user.attributes };
  if (!canActOnUser(actor, "users:import", existing) || !canActOnUser(actor, "users:import", { attributes: merged })) {
    return { kind: "rejected", reason: `the account is outside your segment${segmentHint(actor)}` };
  }
  // An update never sets a password: an import must not take over an account that exists.
  const address = addressOf(user.profile, (await findAddress(existing.id, tx)) as Partial<Address> | null);
  await updateAccount(
    existing.id,
    {
      ...columnsOf(user.profile),
      ...(address !== undefined ? { address: address ?? undefined } : {}),
      attributes: merged as object,
      ...(user.emailVerified && !existing.emailVerifiedAt ? { emailVerifiedAt: new Date() } : {}),
    },
    tx,
  );
  const fields = [...Object.keys(user.profile), ...Object.keys(user.attributes).map((k) => `attr.${k}`), ...(user.emailVerified ? ["emailVerified"] : [])];
  await audit("user.import_updated", existing.id, { fields });
  // The row's members, as written (an import rewrites what its columns carry).
  const profileFields = fields.filter((f) => f !== "emailVerified");
  if (profileFields.length) await emitIdentityEvent({ type: "user.profile_updated", userId: existing.id, data: { fields: profileFields } }, tx);
  if (user.emailVerified && !existing.emailVerifiedAt) await emitIdentityEvent({ type: "user.email_verified", userId: existing.id, data: {} }, tx);
  return { kind: "updated" };
}

/** The row of each email's first record: later ones are duplicates within the file, the same on every run. */
function firstRowByEmail(records: readonly ImportRecord[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const record of records) {
    const email = emailOf(record);
    if (email && !first.has(email)) first.set(email, record.row);
  }
  return first;
}

/** Runs (or resumes) one import to its end. Throws to retry; JobSuperseded when another worker moved it. */
export async function runImport(job: UserImportRow): Promise<void> {
  const actor = job.actor as JobActor;
  const file = parseImportFile(job.format as ImportFormat, job.content);
  const records = file.records;
  const definitions: AttributeDefinition[] = await listAttributeDefinitions();
  const source = job.format === "csv" ? "form" : "json";
  const firstRow = firstRowByEmail(records);
  await markImportStarted(job.id);
  const totals = { created: job.created, updated: job.updated, rejected: job.rejected };
  let from = job.processed;
  do {
    const to = Math.min(from + IMPORT_BATCH_ROWS, records.length);
    const last = to >= records.length;
    const batch = records.slice(from, to);
    const checked = batch.map((r) => checkRecord(r, definitions, source));
    const counts: BatchCounts = { created: 0, updated: 0, rejected: 0, report: "" };
    // Each batch acts with the administrator's grants as they stand now: a role taken away mid-import stops it.
    const acting: JobActor = { ...actor, roles: (await currentActor(actor.id)).roles };
    const reject = (row: number, email: string, reason: string) => {
      counts.rejected++;
      counts.report += csvLine([row, email, reason]);
    };
    await withTransaction(async (tx) => {
      const valid = checked.flatMap((c) => (c.ok ? [c.user.email] : []));
      const existing = new Map((await findAccountsByEmail(valid, tx)).map((a) => [a.email, a]));
      for (const c of checked) {
        if (!c.ok) {
          reject(c.row, c.email, c.reason);
          continue;
        }
        const first = firstRow.get(c.user.email)!;
        if (first !== c.user.row) {
          reject(c.user.row, c.user.email, `duplicate email in the file (first at row ${first})`);
          continue;
        }
        const outcome = await importOne(job, acting, c.user, existing.get(c.user.email), tx);
        if (outcome.kind === "rejected") reject(c.user.row, c.user.email, outcome.reason);
        else counts[outcome.kind]++;
      }
      const moved = await advanceImport(job.id, from, { rows: batch.length, ...counts, leaseSeconds: JOB_LEASE_SECONDS }, tx);
      if (!moved) throw new JobSuperseded(`import ${job.id} moved past row ${from}`);
      if (last) {
        if (!(await markDoneInTransaction("UserImport", job.id, importDoneColumns(records.length), tx))) throw new JobSuperseded(`import ${job.id} finished elsewhere`);
        const final = { created: totals.created + counts.created, updated: totals.updated + counts.updated, rejected: totals.rejected + counts.rejected };
        await recordAudit({ actor: { type: "admin", id: actor.id }, action: "user_import.completed", target: { type: "user_import", id: job.id }, result: "success", context: actor.context, details: { rows: records.length, ...final } }, tx);
      }
    });
    totals.created += counts.created;
    totals.updated += counts.updated;
    totals.rejected += counts.rejected;
    from = to;
  } while (from < records.length);
}
