// A filter evaluated against one JSON value in memory: PATCH value paths (RFC 7644 §3.5.2,
// `members[value eq "x"]`, `emails[type eq "work"]`) select the elements of a multi-valued
// attribute this way. Attribute names match ignoring case; strings compare ignoring case (the
// default caseExact false, RFC 7643 §2.2); an attribute holding an array matches when any element does.
import type { AttrPath, CompareOp, Filter, FilterValue } from "./filter-ast";
import { invalidFilter } from "./scim.errors";

type Json = unknown;

function isRecord(v: Json): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function getIgnoringCase(obj: Record<string, unknown>, name: string): Json {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

/** The values the path reaches, arrays flattened: `emails.value` on a user is every address. */
function valuesAt(obj: Record<string, unknown>, path: AttrPath): Json[] {
  let base: Json = obj;
  // An extension's attributes live under its URN in a resource (RFC 7643 §3.3); a core URN, or one
  // the object does not hold, is the object itself.
  if (path.schema) {
    const ext = getIgnoringCase(obj, path.schema);
    if (isRecord(ext)) base = ext;
  }
  let current = flatten(isRecord(base) ? [getIgnoringCase(base, path.attr)] : []);
  if (path.sub !== undefined) {
    const sub = path.sub;
    current = flatten(current.filter(isRecord).map((v) => getIgnoringCase(v, sub)));
  }
  return current;
}

const flatten = (values: Json[]): Json[] => values.flatMap((v) => (Array.isArray(v) ? v : [v]));

function isPresent(v: Json): boolean {
  if (v === null || v === undefined || v === "") return false;
  if (Array.isArray(v)) return v.some(isPresent);
  if (isRecord(v)) return Object.values(v).some(isPresent);
  return true;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date-time's instant, fractional seconds cut to milliseconds (Entra sends seven digits); NaN if it is not one. */
export function parseDateTime(text: string): number {
  const t = text.trim();
  if (!ISO_DATE_TIME.test(t)) return NaN;
  return new Date(t.replace(/(\.\d{3})\d+/, "$1")).getTime();
}

function compareOne(actual: Json, op: CompareOp, expected: FilterValue): boolean {
  if (actual === null || actual === undefined) return false;
  if (typeof actual === "object") return false;
  if (op === "gt" || op === "ge" || op === "lt" || op === "le") {
    let c: number;
    if (typeof actual === "number" && typeof expected === "number") c = actual - expected;
    else if (typeof actual === "string" && typeof expected === "string") {
      const [a, b] = [parseDateTime(actual), parseDateTime(expected)];
      if (!Number.isNaN(a) && !Number.isNaN(b)) c = a - b;
      else {
        const [x, y] = [actual.toLowerCase(), expected.toLowerCase()];
        c = x < y ? -1 : x > y ? 1 : 0;
      }
    } else return false;
    return op === "gt" ? c > 0 : op === "ge" ? c >= 0 : op === "lt" ? c < 0 : c <= 0;
  }
  // eq, co, sw, ew: same types compare as themselves; otherwise as text (`primary eq "true"`).
  if (op === "eq" && typeof actual === typeof expected && typeof actual !== "string") return actual === expected;
  if (op === "eq" && typeof actual === "string" && typeof expected === "string") {
    const [a, b] = [parseDateTime(actual), parseDateTime(expected)];
    if (!Number.isNaN(a) && !Number.isNaN(b)) return a === b;
  }
  const a = String(actual).toLowerCase();
  const e = String(expected).toLowerCase();
  switch (op) {
    case "eq":
      return a === e;
    case "co":
      return a.includes(e);
    case "sw":
      return a.startsWith(e);
    case "ew":
      return a.endsWith(e);
    default:
      return false;
  }
}

function matchesCompare(obj: Record<string, unknown>, path: AttrPath, op: CompareOp, expected: FilterValue): boolean {
  if ((op === "gt" || op === "ge" || op === "lt" || op === "le") && (typeof expected === "boolean" || expected === null)) {
    throw invalidFilter(`Invalid filter: "${op}" cannot compare ${String(expected)}`);
  }
  const values = valuesAt(obj, path);
  // `ne` is "no value equals" (absent included), as the SQL compiler has it.
  if (op === "ne") return !matchesCompare(obj, path, "eq", expected);
  if (expected === null) return op === "eq" ? !values.some((v) => v !== null && v !== undefined) : false;
  return values.some((v) => compareOne(v, op, expected));
}

/** Whether `value` (a resource, or one element of a multi-valued attribute) matches `filter`. */
export function matchesFilter(value: Record<string, unknown>, filter: Filter): boolean {
  switch (filter.kind) {
    case "and":
      return matchesFilter(value, filter.left) && matchesFilter(value, filter.right);
    case "or":
      return matchesFilter(value, filter.left) || matchesFilter(value, filter.right);
    case "not":
      return !matchesFilter(value, filter.filter);
    case "present":
      return valuesAt(value, filter.path).some(isPresent);
    case "compare":
      return matchesCompare(value, filter.path, filter.op, filter.value);
    case "valuePath":
      // One element matches the whole inner filter (`emails[type eq "work" and value co "x"]`).
      return valuesAt(value, filter.path).some((el) => isRecord(el) && matchesFilter(el, filter.filter));
  }
}
