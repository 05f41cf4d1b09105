// Writing CSV (RFC 4180 §2) for the reports and exports people open in a spreadsheet.
import "server-only";

/**
 * One field: quoted when it holds a comma, quote or line break; a leading =, +, -, @, tab or
 * carriage return is prefixed with ' so that a spreadsheet does not run it as a formula (OWASP,
 * "CSV injection"). Imported values are strangers' text.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "string" ? value : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated (RFC 4180 §2 rule 1). */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
