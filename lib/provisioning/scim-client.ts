// Portico as a SCIM 2.0 client (RFC 7644): the few requests outbound provisioning makes, every one
// through lib/outbound's safeFetch (SSRF guard at connect time, no redirects, size cap), with the
// target's bearer token (RFC 7644 §2, RFC 6750 §2.1).
import "server-only";
import { OutboundRequestError, safeFetch, type SafeFetchOptions, type SafeResponse } from "@/lib/outbound";

const SCIM_JSON = "application/scim+json";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

export type Json = Record<string, unknown>;

export interface ScimConnection {
  baseUrl: string;
  token: string;
  /** Tests inject a resolver or a policy; default: the configured policy. */
  fetchOptions?: SafeFetchOptions;
}

/** A request that did not get the answer its step needs: the status (none for a network failure) and a short reason. */
export class ScimCallError extends Error {
  override readonly name = "ScimCallError";
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Sending it again cannot help (a 4xx other than 408/425/429, a refused address, a redirect). */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface ScimAnswer {
  status: number;
  body: Json | null;
}

function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

function parse(res: SafeResponse): Json | null {
  if (!res.body) return null;
  try {
    const v = JSON.parse(res.body) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

/** §3.12: the error's detail (and scimType), short, for the log. */
function reasonOf(res: SafeResponse, body: Json | null): string {
  const detail = typeof body?.detail === "string" ? body.detail : "";
  const type = typeof body?.scimType === "string" ? ` (${body.scimType})` : "";
  return `HTTP ${res.status}${type}${detail ? `: ${detail}` : ""}`.slice(0, 280);
}

/** A redirect is never followed (safeFetch), so it repeats; so does a 4xx but 408, 425 and 429. */
function isPermanentStatus(status: number): boolean {
  if (status >= 300 && status < 400) return true;
  return status >= 400 && status < 500 && ![408, 425, 429].includes(status);
}

async function call(conn: ScimConnection, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: Json): Promise<ScimAnswer> {
  let res: SafeResponse;
  try {
    res = await safeFetch(
      endpoint(conn.baseUrl, path),
      {
        method,
        headers: { authorization: `Bearer ${conn.token}`, accept: SCIM_JSON, ...(body ? { "content-type": SCIM_JSON } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      },
      conn.fetchOptions,
    );
  } catch (e) {
    if (e instanceof OutboundRequestError) throw new ScimCallError(e.message.slice(0, 280), e.status, e.permanent);
    throw e;
  }
  return { status: res.status, body: parse(res) ?? (res.status >= 400 ? { detail: reasonOf(res, null) } : null) };
}

/** Throws for a status the step does not expect. */
function expectStatus(answer: ScimAnswer, ok: number[], what: string): ScimAnswer {
  if (ok.includes(answer.status)) return answer;
  const reason = answer.body && typeof answer.body.detail === "string" ? answer.body.detail : "";
  const type = typeof answer.body?.scimType === "string" ? ` (${answer.body.scimType})` : "";
  throw new ScimCallError(`${what}: HTTP ${answer.status}${type}${reason ? `: ${reason}` : ""}`.slice(0, 280), answer.status, isPermanentStatus(answer.status));
}

function idOf(body: Json | null, what: string, status: number): string {
  const id = body?.id;
  if (typeof id !== "string" || !id || id.length > 256) throw new ScimCallError(`${what}: the answer carries no id`, status, false);
  return id;
}

const userPath = (id: string) => `/Users/${encodeURIComponent(id)}`;

/** §3.3: POST /Users. 201 with the resource; 409 (uniqueness) is returned for the caller to adopt. */
export async function createUser(conn: ScimConnection, resource: Json): Promise<{ conflict: true; status: number } | { conflict: false; id: string; status: number }> {
  const answer = await call(conn, "POST", "/Users", resource);
  if (answer.status === 409) return { conflict: true, status: 409 };
  expectStatus(answer, [200, 201], "create");
  return { conflict: false, id: idOf(answer.body, "create", answer.status), status: answer.status };
}

/** §3.4.1: GET /Users/{id}; null when the target no longer has it (404). */
export async function getUser(conn: ScimConnection, id: string): Promise<Json | null> {
  const answer = await call(conn, "GET", userPath(id));
  if (answer.status === 404) return null;
  expectStatus(answer, [200], "read");
  if (!answer.body) throw new ScimCallError("read: the answer is not a SCIM resource", answer.status, false);
  return answer.body;
}

/** §3.4.2.2: the one user whose userName equals `userName` (a string literal per RFC 8259 §7). */
export async function findUserByUserName(conn: ScimConnection, userName: string): Promise<{ id: string; externalId: string | null } | null> {
  const filter = `userName eq ${JSON.stringify(userName)}`;
  const answer = expectStatus(await call(conn, "GET", `/Users?${new URLSearchParams({ filter, count: "2" }).toString()}`), [200], "search");
  const body = answer.body ?? {};
  const schemas = Array.isArray(body.schemas) ? body.schemas : [];
  const resources = Array.isArray(body.Resources) ? (body.Resources as Json[]) : [];
  if (schemas.length && !schemas.includes(LIST_RESPONSE)) throw new ScimCallError("search: not a ListResponse", answer.status, false);
  if (resources.length !== 1) return null;
  const externalId = resources[0]!.externalId;
  return { id: idOf(resources[0]!, "search", answer.status), externalId: typeof externalId === "string" && externalId !== "" ? externalId : null };
}

/** §3.5.1: PUT /Users/{id} with the whole resource; "gone" on 404. */
export async function replaceUser(conn: ScimConnection, id: string, resource: Json): Promise<{ gone: true } | { gone: false; status: number }> {
  const answer = await call(conn, "PUT", userPath(id), { ...resource, id });
  if (answer.status === 404) return { gone: true };
  expectStatus(answer, [200, 204], "update");
  return { gone: false, status: answer.status };
}

/** §3.5.2.3: PATCH replace active = false; "gone" on 404. */
export async function deactivateUser(conn: ScimConnection, id: string): Promise<{ gone: true } | { gone: false; status: number }> {
  const answer = await call(conn, "PATCH", userPath(id), { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "active", value: false }] });
  if (answer.status === 404) return { gone: true };
  expectStatus(answer, [200, 204], "deactivate");
  return { gone: false, status: answer.status };
}

/** §3.6: DELETE /Users/{id}; a 404 means it is gone already, which is what was asked. */
export async function deleteUser(conn: ScimConnection, id: string): Promise<number> {
  const answer = await call(conn, "DELETE", userPath(id));
  if (answer.status === 404) return 404;
  expectStatus(answer, [200, 204], "delete");
  return answer.status;
}
