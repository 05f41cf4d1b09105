// Reading an import file into records: CSV (RFC 4180, with a header row), a JSON array, or JSON
// Lines. Each record keeps its number in the file for the rejected-rows report: a CSV's record
// number counting the header as row 1 (as a spreadsheet shows it), an array's element (from 1), a
// JSON Lines file's line number.
import "server-only";
import type { ImportFormat } from "./user-import.schema";

export interface ImportRecord {
  row: number;
  fields: Record<string, unknown>;
}

export class ImportFileError extends Error {}

/**
 * RFC 4180 §2: fields separated by commas, records by CRLF (a bare LF is accepted too), a field in
 * double quotes may hold commas, line breaks and doubled quotes (""). Returns the rows of fields.
 */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === "")) rows.push(row); // blank lines carry no record
    row = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") throw new ImportFileError(`CSV record ${rows.length + 1}: text after a closing quote.`);
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") endField();
    else if (c === "\n") endRow();
    else if (c === "\r") {
      if (text[i + 1] !== "\n") field += c;
    } else if (c === '"') throw new ImportFileError(`CSV record ${rows.length + 1}: a quote inside an unquoted field.`);
    else field += c;
    i++;
  }
  if (quoted) throw new ImportFileError(`CSV record ${rows.length + 1}: a quoted field is not closed.`);
  if (field !== "" || row.length) endRow();
  return rows;
}

export interface ImportFile {
  records: ImportRecord[];
  /** A CSV's header row (checked at upload); null for JSON. */
  columns: string[] | null;
}

function parseCsv(text: string): ImportFile {
  const [header, ...rows] = parseCsvRows(text);
  if (!header) throw new ImportFileError("The file is empty.");
  const names = header.map((h) => h.trim());
  if (new Set(names).size !== names.length) throw new ImportFileError("The header row names a column twice.");
  const records = rows.map((values, index) => {
    if (values.length !== names.length) return { row: index + 2, fields: { __error: `${values.length} fields where the header has ${names.length}` } };
    // An empty CSV field means "not given": CSV cannot tell empty from absent.
    const fields = Object.fromEntries(names.map((n, k) => [n, values[k]]).filter(([, v]) => v !== ""));
    return { row: index + 2, fields }; // the header is row 1, as a spreadsheet shows it
  });
  return { records, columns: names };
}

function asRecord(value: unknown, row: number): ImportRecord {
  if (!value || typeof value !== "object" || Array.isArray(value)) return { row, fields: { __error: "not a JSON object" } };
  return { row, fields: value as Record<string, unknown> };
}

function parseJson(text: string): ImportRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ImportFileError(`The file is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(doc)) throw new ImportFileError("A JSON import is an array of objects, one per user.");
  return doc.map((v, i) => asRecord(v, i + 1));
}

function parseJsonLines(text: string): ImportRecord[] {
  const records: ImportRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const row = i + 1; // the line number
    try {
      records.push(asRecord(JSON.parse(line), row));
    } catch {
      records.push({ row, fields: { __error: "not valid JSON" } });
    }
  }
  return records;
}

/** The format a file is in, from its name, else from its first character. */
export function detectFormat(filename: string, text: string): ImportFormat {
  const name = filename.toLowerCase();
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
  if (name.endsWith(".json")) return "json";
  const first = text.trimStart()[0];
  if (first === "[") return "json";
  if (first === "{") return "jsonl";
  return "csv";
}

/** Every record of the file; a file that cannot be read at all throws ImportFileError. */
export function parseImportFile(format: ImportFormat, text: string): ImportFile {
  const body = text.replace(/^\uFEFF/, "");
  if (format === "csv") return parseCsv(body);
  return { records: format === "json" ? parseJson(body) : parseJsonLines(body), columns: null };
}
