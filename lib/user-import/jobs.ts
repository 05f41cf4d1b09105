// The console's view of imports and exports: the lists with progress, the rejected rows' report,
// the exported file. An administrator whose permission is scoped to a segment sees only the jobs
// they started (another's job may hold accounts outside their segment); a tenant-wide one sees all.
import "server-only";
import { isUuid } from "@/lib/formats";
import { assertPermission, permissionScope, type Actor, type Permission } from "@/lib/users";
import { csvLine, } from "./csv";
import { REPORT_HEADER, type JobActor } from "./import";
import { UserImportError } from "./user-import.errors";
import { findExportContent, findExportSummary, findImportReport, findImportSummary, listExportRows, listImportRows, type UserExportSummaryRow, type UserImportSummaryRow } from "./user-import.repo";

export type JobState = "queued" | "running" | "done" | "failed";

export interface JobProgress {
  id: string;
  state: JobState;
  /** Rows (import) or accounts scanned (export) so far, and the total when known. */
  processed: number;
  total: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  startedBy: string;
  lastError: string | null;
}

export interface ImportJobView extends JobProgress {
  filename: string;
  format: string;
  onConflict: string;
  sizeBytes: number;
  created: number;
  updated: number;
  rejected: number;
}

export interface ExportJobView extends JobProgress {
  format: string;
  filter: Record<string, unknown>;
}

function stateOf(row: { status: string; lockedUntil: Date | null; processed: number; startedAt: Date | null }, now: Date): JobState {
  if (row.status === "done") return "done";
  if (row.status === "failed") return "failed";
  return (row.lockedUntil && row.lockedUntil > now) || row.startedAt ? "running" : "queued";
}

function progressOf(row: UserImportSummaryRow | UserExportSummaryRow, now: Date): JobProgress {
  return {
    id: row.id,
    state: stateOf(row, now),
    processed: row.processed,
    total: row.totalRows,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    createdAt: row.createdAt,
    startedBy: (row.actor as JobActor).id,
    // The worker's own error text stays in the log: an operator's detail, not a console message.
    lastError: row.status === "failed" ? "The job failed after its retries." : row.lastError ? "Retrying after an error." : null,
  };
}

function visibleTo(actor: Actor, permission: Permission) {
  const all = permissionScope(actor, permission) === "all";
  return (row: { actor: unknown }) => all || (row.actor as JobActor).id === actor.id;
}

const LIST_SIZE = 20;

export async function listImports(actor: Actor): Promise<ImportJobView[]> {
  assertPermission(actor, "users:import");
  const now = new Date();
  return (await listImportRows(LIST_SIZE)).filter(visibleTo(actor, "users:import")).map((r) => ({
    ...progressOf(r, now),
    filename: r.filename,
    format: r.format,
    onConflict: r.onConflict,
    sizeBytes: r.sizeBytes,
    created: r.created,
    updated: r.updated,
    rejected: r.rejected,
  }));
}

export async function listExports(actor: Actor): Promise<ExportJobView[]> {
  assertPermission(actor, "users:export");
  const now = new Date();
  return (await listExportRows(LIST_SIZE)).filter(visibleTo(actor, "users:export")).map((r) => ({ ...progressOf(r, now), format: r.format, filter: r.filter as Record<string, unknown> }));
}

export interface Download {
  filename: string;
  contentType: string;
  body: string;
}

/** The rejected rows of an import, as CSV (row, email, reason), so far or in full. */
export async function importReport(actor: Actor, id: string | null): Promise<Download> {
  assertPermission(actor, "users:import");
  const summary = id && isUuid(id) ? await findImportSummary(id) : null;
  if (!summary || !visibleTo(actor, "users:import")(summary)) throw new UserImportError("not_found", "There is no such import.");
  const { report, filename } = (await findImportReport(summary.id))!;
  return { filename: `rejected-${filename.replace(/\.[^.]*$/, "")}.csv`, contentType: "text/csv; charset=utf-8", body: csvLine(REPORT_HEADER) + report };
}

/** A finished export's file. */
export async function exportFile(actor: Actor, id: string | null): Promise<Download> {
  assertPermission(actor, "users:export");
  const summary = id && isUuid(id) ? await findExportSummary(id) : null;
  if (!summary || !visibleTo(actor, "users:export")(summary)) throw new UserImportError("not_found", "There is no such export.");
  if (summary.status !== "done") throw new UserImportError("not_ready", "This export is not finished.");
  const file = (await findExportContent(summary.id))!;
  const day = file.createdAt.toISOString().slice(0, 10);
  return file.format === "csv"
    ? { filename: `users-${day}.csv`, contentType: "text/csv; charset=utf-8", body: file.content }
    : { filename: `users-${day}.jsonl`, contentType: "application/jsonl; charset=utf-8", body: file.content };
}
