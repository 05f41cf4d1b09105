// SCIM /Bulk (RFC 7644 §3.7): many operations in one request, each run as if it came alone
// (through the same routes, checks and audit), in order. A "bulkId:<id>" value in an operation's
// path or data names the resource an earlier operation of the request created (§3.7.2); an
// operation whose reference is not created yet waits until one is, and a reference that never
// resolves (unknown, failed, or circular) is that operation's error. `failOnErrors` stops the run
// after that many errors (§3.7.3).
import "server-only";
import type { EndpointResult } from "./result";

export const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
/** ServiceProviderConfig bulk.maxOperations. */
export const MAX_BULK_OPERATIONS = 1000;

type Json = Record<string, unknown>;

export interface BulkOperation {
  method: string;
  path: string;
  bulkId?: string;
  version?: string;
  data?: unknown;
}

/** Runs one operation as a request of its own (method, path under /scim/v2, body, If-Match). */
export type OperationRunner = (op: { method: string; path: string; body: unknown; ifMatch: string | null }) => Promise<EndpointResult>;

export class BulkRequestError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const MAX_DATA_NESTING = 32;

/** How deep arrays and objects nest in `value`, counted without recursion (a hostile body may nest thousands deep). */
function nestingOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_DATA_NESTING) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const BULK_REF = /^bulkId:(.+)$/;

/** The BulkRequest message, checked before any operation runs: a malformed one changes nothing. */
export function parseBulkRequest(body: unknown): { failOnErrors: number; operations: BulkOperation[] } {
  if (!isObject(body)) throw new BulkRequestError(400, "invalidSyntax", "A BulkRequest must be a JSON object.");
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(BULK_REQUEST)) throw new BulkRequestError(400, "invalidSyntax", `schemas must name ${BULK_REQUEST}.`);
  const raw = body.Operations ?? body.operations;
  if (!Array.isArray(raw) || raw.length === 0) throw new BulkRequestError(400, "invalidSyntax", "Operations must be a non-empty array.");
  // §3.7.4: over the limit is a 413 for the whole request.
  if (raw.length > MAX_BULK_OPERATIONS) throw new BulkRequestError(413, undefined, `At most ${MAX_BULK_OPERATIONS} operations per request.`);
  const failOnErrors = body.failOnErrors === undefined ? Infinity : Number(body.failOnErrors);
  if (!(Number.isInteger(failOnErrors) && failOnErrors >= 1) && failOnErrors !== Infinity) throw new BulkRequestError(400, "invalidValue", "failOnErrors must be a positive integer.");
  const seen = new Set<string>();
  const operations = raw.map((op, i): BulkOperation => {
    if (!isObject(op)) throw new BulkRequestError(400, "invalidSyntax", `Operation ${i + 1} is not an object.`);
    const method = typeof op.method === "string" ? op.method.toUpperCase() : "";
    if (!["POST", "PUT", "PATCH", "DELETE"].includes(method)) throw new BulkRequestError(400, "invalidValue", `Operation ${i + 1}: method must be POST, PUT, PATCH or DELETE.`);
    if (typeof op.path !== "string" || !op.path.startsWith("/")) throw new BulkRequestError(400, "invalidValue", `Operation ${i + 1}: path must be a resource path such as /Users.`);
    const bulkId = op.bulkId === undefined ? undefined : String(op.bulkId);
    // §3.7: bulkId is REQUIRED for POST, and names one operation.
    if (method === "POST" && !bulkId) throw new BulkRequestError(400, "invalidValue", `Operation ${i + 1}: a POST needs a bulkId.`);
    if (bulkId !== undefined) {
      if (seen.has(bulkId)) throw new BulkRequestError(400, "invalidValue", `bulkId "${bulkId}" is used twice.`);
      seen.add(bulkId);
    }
    // The references are looked for through the whole of data: a bound on its nesting bounds that walk.
    if (nestingOf(op.data) > MAX_DATA_NESTING) throw new BulkRequestError(400, "invalidValue", `Operation ${i + 1}: data is nested deeper than ${MAX_DATA_NESTING} levels.`);
    return { method, path: op.path, bulkId, version: typeof op.version === "string" ? op.version : undefined, data: op.data };
  });
  return { failOnErrors, operations };
}

/** The bulkIds `value` refers to ("bulkId:x" strings anywhere in it). */
function referencesOf(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    const m = BULK_REF.exec(value);
    if (m) out.add(m[1]!);
  } else if (Array.isArray(value)) value.forEach((v) => referencesOf(v, out));
  else if (isObject(value)) Object.values(value).forEach((v) => referencesOf(v, out));
  return out;
}

function substitute(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === "string") {
    const m = BULK_REF.exec(value);
    return m && ids.has(m[1]!) ? ids.get(m[1]!) : value;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids)]));
  return value;
}

const substitutePath = (path: string, ids: Map<string, string>) => path.replace(/bulkId:([^/?]+)/g, (all, id: string) => ids.get(id) ?? all);

function errorBody(status: number, detail: string, scimType?: string): Json {
  return { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

export async function runBulk(body: unknown, run: OperationRunner): Promise<Json> {
  const { failOnErrors, operations } = parseBulkRequest(body);
  const results: (Json | undefined)[] = new Array(operations.length);
  const createdIds = new Map<string, string>();
  const failedBulkIds = new Set<string>();
  let errors = 0;
  let pending = operations.map((_, i) => i);
  // Each pass runs what has its references resolved; a pass that runs nothing ends the loop.
  while (pending.length && errors < failOnErrors) {
    const waiting: number[] = [];
    let progressed = false;
    for (const i of pending) {
      if (errors >= failOnErrors) {
        waiting.push(i);
        continue;
      }
      const op = operations[i]!;
      const refs = [...referencesOf(op.data), ...referencesOf(op.path.match(/bulkId:[^/?]+/g) ?? [])];
      const unresolved = refs.filter((r) => !createdIds.has(r));
      if (unresolved.some((r) => failedBulkIds.has(r) || !operations.some((o) => o.bulkId === r))) {
        results[i] = resultOf(op, 409, undefined, errorBody(409, `bulkId "${unresolved[0]}" names no operation of this request that created a resource.`, "invalidValue"));
        if (op.bulkId) failedBulkIds.add(op.bulkId);
        errors++;
        progressed = true;
        continue;
      }
      if (unresolved.length) {
        waiting.push(i);
        continue;
      }
      progressed = true;
      const answer = await run({ method: op.method, path: substitutePath(op.path, createdIds), body: substitute(op.data, createdIds), ifMatch: op.version ?? null });
      const parsed = answer.body ? (JSON.parse(answer.body) as Json) : undefined;
      if (answer.status >= 400) {
        errors++;
        if (op.bulkId) failedBulkIds.add(op.bulkId);
        results[i] = resultOf(op, answer.status, undefined, parsed);
      } else {
        const location = answer.headers.Location ?? (isObject(parsed?.meta) ? (parsed.meta.location as string | undefined) : undefined);
        if (op.method === "POST" && op.bulkId && typeof parsed?.id === "string") createdIds.set(op.bulkId, parsed.id);
        results[i] = resultOf(op, answer.status, location, undefined, answer.headers.ETag);
      }
    }
    pending = waiting;
    if (!progressed) {
      // Only circular references are left: each is an error (§3.7.1).
      for (const i of pending) {
        if (errors >= failOnErrors) break;
        const op = operations[i]!;
        results[i] = resultOf(op, 409, undefined, errorBody(409, "The operation's bulkId references are circular.", "invalidValue"));
        errors++;
      }
      break;
    }
  }
  // §3.7.3: after failOnErrors errors, the rest is not run and not reported.
  return { schemas: [BULK_RESPONSE], Operations: results.filter((r): r is Json => r !== undefined) };
}

function resultOf(op: BulkOperation, status: number, location: string | undefined, response: Json | undefined, version?: string): Json {
  return {
    method: op.method,
    ...(op.bulkId ? { bulkId: op.bulkId } : {}),
    ...(version ? { version } : {}),
    ...(location ? { location } : {}),
    status: String(status),
    ...(response ? { response } : {}),
  };
}
