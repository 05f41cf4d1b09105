// The import and export queues of the outbox (lib/outbox). A job runs to its end in one delivery,
// batch after batch, each batch renewing the lease; jobs of one pass run side by side (parallel),
// so no claimed job waits out its lease behind another. A job whose worker died is claimed again
// when its lease runs out and resumes from its last committed batch.
import "server-only";
import { drainOutboxQueue, registerOutboxQueue, runOutboxPass, type OutboxQueue } from "@/lib/outbox";
import { JOB_LEASE_SECONDS, runImport } from "./import";
import { runExport } from "./export";
import { exportDeadLetterColumns, importDeadLetterColumns, type UserExportRow, type UserImportRow } from "./user-import.repo";

const RETENTION_DAYS = 30;

export const userImportQueue: OutboxQueue<UserImportRow> = {
  name: "user-imports",
  table: "UserImport",
  parallel: true,
  leaseSeconds: () => JOB_LEASE_SECONDS,
  retryPolicy: () => ({ baseSeconds: 10, maxBackoffSeconds: 600, maxAttempts: 8 }),
  deliver: runImport,
  deadLetterColumns: importDeadLetterColumns,
  // Never the file or the report: the job id names it.
  describe: (row) => `user import ${row.id}`,
  retentionDays: () => RETENTION_DAYS,
};

export const userExportQueue: OutboxQueue<UserExportRow> = {
  name: "user-exports",
  table: "UserExport",
  parallel: true,
  leaseSeconds: () => JOB_LEASE_SECONDS,
  retryPolicy: () => ({ baseSeconds: 10, maxBackoffSeconds: 600, maxAttempts: 8 }),
  deliver: runExport,
  deadLetterColumns: exportDeadLetterColumns,
  describe: (row) => `user export ${row.id}`,
  // An export holds every account's profile: kept a week for its download, then deleted.
  retentionDays: () => 7,
};

registerOutboxQueue(userImportQueue);
registerOutboxQueue(userExportQueue);

/** One pass over each queue (tests; the outbox runs them in production). */
export async function runDueUserJobs(): Promise<{ imports: number; exports: number }> {
  const [imports, exports] = await Promise.all([runOutboxPass(userImportQueue), runOutboxPass(userExportQueue)]);
  return { imports: imports.done, exports: exports.done };
}

/** Runs both queues until nothing is due (tests). */
export async function drainUserJobs(): Promise<void> {
  await drainOutboxQueue(userImportQueue as never);
  await drainOutboxQueue(userExportQueue as never);
}
