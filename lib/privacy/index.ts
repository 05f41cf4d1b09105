// Privacy: a customer's rights over their data. Today the copy of it (GDPR art. 20, data
// portability): asked for on /account/data, prepared in the background through the outbox
// (queue.ts, registered when this module loads), downloaded by its owner within a day.
import "server-only";
import { deleteExpiredExports } from "./data-exports.repo";
import "./queue";

export { requestDataExport, latestDataExport, openDataExport, EXPORTS_PER_DAY, type DataExportView, type DataExportStatus, type DownloadableArchive } from "./requests";
export { collectPersonalData, serialiseExport, EXPORT_FORMAT, type ExportDocument } from "./export";
export { runDueDataExports } from "./queue";
export { downloadPath, DOWNLOAD_PATH } from "./download-link";
export { DOWNLOAD_HOURS } from "./download-window";
export { DataExportError, type DataExportErrorCode } from "./privacy.errors";

/** The janitor: copies past their download window are deleted. */
export function deleteExpiredDataExports(now = new Date()): Promise<number> {
  return deleteExpiredExports(now);
}
