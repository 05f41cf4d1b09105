// A customer's copies of their data: asking for one (one being prepared at a time, a few a day),
// what the page shows about the latest, and opening an archive for download. Each function checks
// here, not only in the page, that the caller is the account's owner.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { emitIdentityEvent } from "@/lib/events";
import { kickOutbox } from "@/lib/outbox";
import { consumeLimit, refundLimit, type LimiterSpec } from "@/lib/ratelimit";
import type { Actor } from "@/lib/users";
import { countPendingExports, deleteFinishedExports, findExportSummary, findLatestExportOf, findReadyArchive, insertExport, lockAccountForExport, withTransaction, type DataExportSummary } from "./data-exports.repo";
import { downloadPath, isDownloadToken } from "./download-link";
import { DataExportError } from "./privacy.errors";

/** Copies a person may ask for in a day: each one reads their whole history. */
export const EXPORTS_PER_DAY: LimiterSpec = { keyPrefix: "data-export:user", points: 3, durationSeconds: 24 * 3600 };

export type DataExportStatus = "pending" | "ready" | "failed" | "expired";

export interface DataExportView {
  id: string;
  status: DataExportStatus;
  requestedAt: Date;
  readyAt: Date | null;
  expiresAt: Date | null;
  sizeBytes: number | null;
  /** The download link while the archive can be downloaded. */
  downloadPath: string | null;
}

function assertOwner(actor: Actor, userId: string): void {
  if (actor.id !== userId) throw new DataExportError("not_owner", "Only the account's owner can ask for or download a copy of its data.");
}

function statusOf(row: DataExportSummary, now: Date): DataExportStatus {
  if (row.status === "ready") return row.expiresAt && row.expiresAt > now ? "ready" : "expired";
  return row.status === "pending" ? "pending" : "failed";
}

function viewOf(row: DataExportSummary, now: Date): DataExportView {
  const status = statusOf(row, now);
  return {
    id: row.id,
    status,
    requestedAt: row.createdAt,
    readyAt: row.readyAt,
    expiresAt: row.expiresAt,
    sizeBytes: row.sizeBytes,
    downloadPath: status === "ready" ? downloadPath(row.id) : null,
  };
}

const PENDING_MESSAGE = "Your copy is being prepared already. We email you when it is ready.";

/**
 * Queues a copy of the owner's data; the outbox prepares it and mails the owner a link. Earlier
 * archives are deleted: only the newest copy is kept.
 */
export async function requestDataExport(actor: Actor, userId: string, ctx: RequestContext, now = new Date()): Promise<DataExportView> {
  assertOwner(actor, userId);
  // A repeated click is answered without spending one of the day's requests.
  if ((await findLatestExportOf(userId))?.status === "pending") throw new DataExportError("export_pending", PENDING_MESSAGE);
  const wait = await consumeLimit(EXPORTS_PER_DAY, userId);
  if (wait) throw new DataExportError("rate_limited", `You asked for ${EXPORTS_PER_DAY.points} copies today. You can ask again in ${Math.ceil(wait / 3600)} hours.`, wait);
  let created: DataExportSummary;
  try {
    created = await withTransaction(async (tx) => {
      if (!(await lockAccountForExport(userId, tx))) throw new DataExportError("account_unavailable", "This account is closed.");
      if ((await countPendingExports(userId, tx)) > 0) throw new DataExportError("export_pending", PENDING_MESSAGE);
      await deleteFinishedExports(userId, tx);
      const row = await insertExport(userId, tx);
      await recordAudit({ actor: { type: "user", id: actor.id }, action: "user.export_requested", target: { type: "user", id: userId }, result: "success", context: ctx, details: { export: row.id } }, tx);
      await emitIdentityEvent({ type: "user.export_requested", userId, data: { exportId: row.id } }, tx);
      return row;
    });
  } catch (e) {
    // Refused after all (a concurrent click won, or the account closed): the day's allowance is not spent.
    if (e instanceof DataExportError) await refundLimit(EXPORTS_PER_DAY, userId);
    throw e;
  }
  kickOutbox();
  return viewOf(created, now);
}

/** The owner's newest copy (being prepared, ready, failed or expired), or null when there is none. */
export async function latestDataExport(actor: Actor, userId: string, now = new Date()): Promise<DataExportView | null> {
  assertOwner(actor, userId);
  const row = await findLatestExportOf(userId);
  return row && viewOf(row, now);
}

export interface DownloadableArchive {
  json: string;
  filename: string;
}

/**
 * The archive behind a download link, for its owner only: the token must be the export's, the
 * caller its owner, the archive ready and inside its download window. Audited.
 */
export async function openDataExport(actor: Actor, exportId: unknown, token: unknown, ctx: RequestContext, now = new Date()): Promise<DownloadableArchive> {
  const unknownLink = () => new DataExportError("not_found", "This download link is not valid. Ask for a new copy of your data on the Your data page.");
  if (!isDownloadToken(exportId, token)) throw unknownLink();
  const row = await findExportSummary(exportId);
  // The token is ours, so the export existed: it expired, or a newer copy replaced it.
  if (!row) throw new DataExportError("expired", "This download link is no longer valid: the copy expired or a newer one replaced it. Ask for a new one on the Your data page.");
  if (row.userId !== actor.id) throw new DataExportError("not_owner", "This download link is for another account. Sign in with the account that asked for it.");
  const status = statusOf(row, now);
  if (status === "pending") throw new DataExportError("not_ready", "Your copy is still being prepared. We email you when it is ready.");
  if (status === "failed") throw new DataExportError("failed", "We could not prepare this copy. Ask for a new one on the Your data page.");
  const json = status === "ready" ? await findReadyArchive(row.id, now) : null;
  if (json === null) throw new DataExportError("expired", "This download link has expired. Ask for a new copy on the Your data page.");
  await recordAudit({ actor: { type: "user", id: actor.id }, action: "user.export_downloaded", target: { type: "user", id: row.userId }, result: "success", context: ctx, details: { export: row.id, sizeBytes: row.sizeBytes } });
  return { json, filename: `portico-export-${(row.readyAt ?? now).toISOString().slice(0, 10)}.json` };
}
