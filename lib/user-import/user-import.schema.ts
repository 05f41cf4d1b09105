// What the console's import and export forms post, and the limits they show. No server-only
// imports here: the browser bundles this file.
import { z } from "zod";

/** The largest file an import takes; above it the upload is refused with this limit in the message. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Rows per transaction (and per progress step). */
export const IMPORT_BATCH_ROWS = 200;

export const IMPORT_FORMATS = ["csv", "json", "jsonl"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const CONFLICT_MODES = ["skip", "update"] as const;
export type ConflictMode = (typeof CONFLICT_MODES)[number];

export const importOptionsSchema = z.object({
  /** "auto": from the file's name and first character. */
  format: z.enum(["auto", ...IMPORT_FORMATS], { error: "Choose a format." }),
  onConflict: z.enum(CONFLICT_MODES, { error: "Choose what happens to existing accounts." }),
});
export type ImportOptions = z.infer<typeof importOptionsSchema>;

export const EXPORT_FORMATS = ["jsonl", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STATUSES = ["any", "active", "disabled", "unverified"] as const;

const day = z
  .string()
  .trim()
  .refine((v) => v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v), "Enter a date like 2026-01-31.")
  .transform((v) => v || undefined);

export const exportRequestSchema = z
  .object({
    format: z.enum(EXPORT_FORMATS, { error: "Choose a format." }),
    status: z.enum(EXPORT_STATUSES).default("any"),
    createdFrom: day,
    createdTo: day,
  })
  .refine((f) => !f.createdFrom || !f.createdTo || f.createdFrom <= f.createdTo, { path: ["createdTo"], message: "The end comes before the start." });
/** What an export is asked for: the form's parsed input, days as YYYY-MM-DD (UTC). */
export type ExportRequest = { format: ExportFormat; status?: (typeof EXPORT_STATUSES)[number]; createdFrom?: string; createdTo?: string };
export type ExportFilter = Omit<ExportRequest, "format">;
