// Bulk user import and export (docs/architecture.md, "User import and export"): background jobs on
// the outbox, with progress, a rejected-rows report and a downloadable export.
import "server-only";
import "./queue";

export { startImport } from "./import";
export { startExport } from "./export";
export { listImports, listExports, importReport, exportFile, type ImportJobView, type ExportJobView, type JobState, type Download } from "./jobs";
export { runDueUserJobs, drainUserJobs } from "./queue";
export { UserImportError, type UserImportErrorCode } from "./user-import.errors";
