// The export's two formats, one event per line: JSON Lines (jsonlines.org: UTF-8, one JSON value
// per line, "\n") and CSV (RFC 4180). Pure functions: the route streams what they return.
import type { AuditLogRow } from "@/lib/audit";

export type ExportFormat = "jsonl" | "csv";

/**
 * JSON Lines is served as application/jsonl: the name jsonlines.org proposes, matching the .jsonl
 * file name; neither it nor application/x-ndjson is registered with IANA, and no client here keys on
 * the x- name.
 */
export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  jsonl: "application/jsonl; charset=utf-8",
  // RFC 4180 §3 registers text/csv; header=present names the first line as column names.
  csv: "text/csv; charset=utf-8; header=present",
};

export const EXPORT_COLUMNS = ["id", "createdAt", "actorType", "actorId", "action", "targetType", "targetId", "result", "ip", "userAgent", "details"] as const;

function plain(row: AuditLogRow) {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    result: row.result,
    ip: row.ip,
    userAgent: row.userAgent,
    details: row.details ?? null,
  };
}

export function jsonLine(row: AuditLogRow): string {
  return `${JSON.stringify(plain(row))}\n`;
}

/**
 * One CSV field. RFC 4180 §2.6-2.7: a field holding a comma, a quote or a line break is quoted,
 * its quotes doubled. A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return
 * before one) as a formula (CSV injection: OWASP), and audit values come from anyone (a user agent,
 * an address typed at sign-in), so such a cell gets a leading apostrophe and is always quoted.
 */
export function csvField(value: string | null): string {
  if (value === null) return "";
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== value ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 §2.1: every record, the header included, ends with CRLF. */
export function csvRecord(fields: (string | null)[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

export const CSV_HEADER = csvRecord([...EXPORT_COLUMNS]);

export function csvLine(row: AuditLogRow): string {
  const p = plain(row);
  return csvRecord(EXPORT_COLUMNS.map((c) => (c === "details" ? (p.details === null ? null : JSON.stringify(p.details)) : (p[c] as string | null))));
}
