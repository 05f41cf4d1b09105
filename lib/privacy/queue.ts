// The data-export queue of the outbox (lib/outbox): prepares a requested copy (export.ts), stores
// it with its download window and mails the owner the link, the archive and the mail in one
// transaction. Any node may prepare any export; one given up keeps no archive.
import "server-only";
import { config } from "@/lib/config";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox, markDoneInTransaction, registerOutboxQueue, runOutboxPass, type OutboxQueue } from "@/lib/outbox";
import { deadLetterColumns, readyColumns, withTransaction, type DataExportRow } from "./data-exports.repo";
import { downloadPath } from "./download-link";
import { DOWNLOAD_HOURS } from "./download-window";
import { collectPersonalData, serialiseExport } from "./export";

/** The account went away or was closed (a deletion request) between the request and the work: nothing to prepare, ever. */
class AccountGone extends Error {}

const RETENTION_DAYS = 7;

function readableTime(at: Date): string {
  return `${at.toLocaleString("en-GB", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" })} UTC`;
}

async function prepare(row: DataExportRow): Promise<void> {
  const doc = await collectPersonalData(row.userId);
  if (!doc || doc.account.status === "disabled") throw new AccountGone("the account is closed or gone");
  const archive = serialiseExport(doc);
  const expiresAt = new Date(Date.now() + DOWNLOAD_HOURS * 3600_000);
  let done = false;
  await withTransaction(async (tx) => {
    done = await markDoneInTransaction("DataExport", row.id, readyColumns(archive, DOWNLOAD_HOURS), tx);
    if (!done) return; // another worker finished it after our lease ran out
    const link = new URL(downloadPath(row.id), `${config().publicUrl}/`).toString();
    await enqueueMail({ to: doc.account.email, template: "data-export-ready", data: { link, expiresAt: readableTime(expiresAt), name: doc.account.displayName ?? undefined } }, tx);
  });
  if (done) kickOutbox(); // the mail is committed now
}

export const dataExportQueue: OutboxQueue<DataExportRow> = {
  name: "data-exports",
  table: "DataExport",
  // One export reads the whole history; a batch runs one after another.
  leaseSeconds: (limit) => 120 * limit,
  retryPolicy: () => ({ baseSeconds: 30, maxBackoffSeconds: 3600, maxAttempts: 5 }),
  deliver: prepare,
  isPermanent: (e) => e instanceof AccountGone,
  deadLetterColumns,
  // Never the archive or the address: the export id identifies it.
  describe: (row) => `data export ${row.id}`,
  retentionDays: () => RETENTION_DAYS,
};
registerOutboxQueue(dataExportQueue);

/** One pass: prepares due exports (tests; the outbox runs it in production). */
export function runDueDataExports(limit?: number): Promise<{ done: number; failed: number }> {
  return runOutboxPass(dataExportQueue, limit);
}
