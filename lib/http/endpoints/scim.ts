// The SCIM 2.0 API at /scim/v2 (RFC 7644): Users, Groups and the discovery resources, for a
// provisioning client holding a bearer token (RFC 7644 §2, RFC 6750). Request in, status + headers
// + body out; every error in the SCIM error schema (§3.12), never a 500 for bad input.
import "server-only";
import crypto from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { config } from "@/lib/config";
import { authenticateBearer, OAuthError } from "@/lib/oidc";
import { authenticateProvisioningToken, type ProvisioningClient } from "@/lib/provisioning";
import { consumeLimit } from "@/lib/ratelimit";
import * as scim from "@/lib/scim";
import { eraseProvisionedAccount, signOutEverywhere } from "@/lib/sign-in";
import { contextFromHeaders } from "../request-context";
import { readCapped } from "../read-capped";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";
import { BulkRequestError, MAX_BULK_OPERATIONS, runBulk } from "./scim-bulk";

const SCIM_JSON = "application/scim+json";
const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
/** ServiceProviderConfig bulk.maxPayloadSize's sibling for single requests: a user is a few KB. */
export const MAX_BODY_BYTES = 1_048_576;
const HEADERS = { ...NO_STORE, "X-Content-Type-Options": "nosniff" };

const BASE_PATH = "/scim/v2";

function scimError(status: number, detail: string, scimType?: string, extra: Record<string, string> = {}): EndpointResult {
  return {
    status,
    headers: { "Content-Type": SCIM_JSON, ...HEADERS, ...extra },
    body: JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail }),
  };
}

function json(status: number, body: unknown, extra: Record<string, string> = {}): EndpointResult {
  return { status, headers: { "Content-Type": SCIM_JSON, ...HEADERS, ...extra }, body: JSON.stringify(body) };
}

const versionHeader = (resource: Record<string, unknown>): Record<string, string> => {
  const version = (resource.meta as { version?: string } | undefined)?.version;
  return version ? { ETag: version } : {};
};

function errorResult(e: unknown): EndpointResult {
  if (e instanceof scim.ScimError) return scimError(e.status, e.message, e.scimType);
  const id = crypto.randomUUID();
  console.error(`[portico] SCIM error ${id}`, e);
  return scimError(500, `internal error (reference ${id.slice(0, 8)})`);
}

/** Requests per minute per token (SCIM_REQUESTS_PER_MINUTE). */
function rateSpec() {
  return { keyPrefix: "scim", points: config().SCIM_REQUESTS_PER_MINUTE, durationSeconds: 60 };
}

async function readJson(request: EndpointRequest): Promise<unknown> {
  const raw = request instanceof Request ? await readCapped(request, MAX_BODY_BYTES) : Buffer.from(await request.text());
  if (raw === null || raw.length > MAX_BODY_BYTES) throw new scim.ScimError(413, "tooLarge", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw scim.invalidSyntax("The body is not valid JSON.");
  }
}

/** §3.4.2: the list parameters, from the query string (GET) or a SearchRequest body (POST /.search, §3.4.3). */
function listQueryOf(params: Record<string, unknown>): scim.ListQuery {
  const text = (name: string): string | undefined => {
    const key = Object.keys(params).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : params[key];
    if (value === undefined || value === null || value === "") return undefined;
    if (Array.isArray(value)) return value.map(String).join(",");
    return String(value);
  };
  const integer = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n)) throw scim.invalidValue(`${name} must be an integer.`);
    return n;
  };
  const attributes = text("attributes");
  const excluded = text("excludedAttributes");
  return {
    filter: text("filter"),
    sortBy: text("sortBy"),
    sortOrder: text("sortOrder"),
    startIndex: integer("startIndex"),
    count: integer("count"),
    attributes: attributes ? scim.parseAttributeList(attributes) : undefined,
    excludedAttributes: excluded ? scim.parseAttributeList(excluded) : undefined,
  };
}

/** §3.4.3: a SearchRequest is a JSON object. */
async function searchRequestOf(request: EndpointRequest): Promise<Record<string, unknown>> {
  const body = await readJson(request);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw scim.invalidSyntax("A SearchRequest must be a JSON object.");
  return body as Record<string, unknown>;
}

const searchParamsOf = (url: URL): Record<string, unknown> => Object.fromEntries(url.searchParams.entries());

type Route = { kind: "ServiceProviderConfig" | "ResourceTypes" | "Schemas" | "Bulk" | "Me" } | { kind: "Users" | "Groups"; id?: string; search?: boolean } | { kind: "unknown" };

function routeOf(pathname: string): { route: Route; rest: string[] } {
  let segments: string[];
  try {
    segments = pathname.slice(BASE_PATH.length).split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return { route: { kind: "unknown" }, rest: [] }; // a broken percent-encoding names nothing
  }
  const [first, ...rest] = segments;
  switch ((first ?? "").toLowerCase()) {
    // Entra's collection asks /serviceConfiguration; the RFC's name is ServiceProviderConfig.
    case "serviceproviderconfig":
    case "serviceconfiguration":
      return { route: { kind: "ServiceProviderConfig" }, rest };
    case "resourcetypes":
      return { route: { kind: "ResourceTypes" }, rest };
    case "schemas":
      return { route: { kind: "Schemas" }, rest };
    case "bulk":
      return { route: { kind: "Bulk" }, rest };
    case "me":
      return { route: { kind: "Me" }, rest };
    case "users":
    case "groups": {
      const kind = first!.toLowerCase() === "users" ? "Users" : "Groups";
      if (rest.length === 0) return { route: { kind }, rest };
      if (rest.length === 1 && rest[0] === ".search") return { route: { kind, search: true }, rest: [] };
      if (rest.length === 1) return { route: { kind, id: rest[0] }, rest: [] };
      return { route: { kind: "unknown" }, rest };
    }
    default:
      return { route: { kind: "unknown" }, rest };
  }
}

const methodNotAllowed = (allowed: string) => scimError(405, `Use ${allowed}.`, undefined, { Allow: allowed });

async function discovery(route: Route, rest: string[], method: string, baseUrl: string): Promise<EndpointResult> {
  if (method !== "GET") return methodNotAllowed("GET");
  if (route.kind === "ServiceProviderConfig") {
    return json(200, scim.serviceProviderConfig(baseUrl, { maxResults: scim.MAX_RESULTS, maxPayloadBytes: MAX_BODY_BYTES, maxOperations: MAX_BULK_OPERATIONS }));
  }
  if (route.kind === "ResourceTypes") {
    if (rest.length === 0) return json(200, scim.resourceTypesListResponse(baseUrl));
    const found = scim.resourceTypes(baseUrl).find((t) => String(t.id).toLowerCase() === rest[0]!.toLowerCase());
    return found ? json(200, found) : scimError(404, `No resource type ${rest[0]}.`);
  }
  const ext = await scim.scimExtensions();
  if (rest.length === 0) return json(200, scim.schemasListResponse(baseUrl, ext));
  const found = scim.allSchemas(ext).find((s) => s.id === rest[0]);
  return found ? json(200, scim.schemaResource(found, baseUrl)) : scimError(404, `No schema ${rest[0]}.`);
}

async function users(route: { id?: string; search?: boolean }, request: EndpointRequest, caller: scim.ScimCaller, url: URL, client: ProvisioningClient): Promise<EndpointResult> {
  const method = request.method;
  const ifMatch = request.headers.get("if-match");
  if (route.search) {
    if (method !== "POST") return methodNotAllowed("POST");
    return json(200, await scim.listUsers(caller, listQueryOf(await searchRequestOf(request))));
  }
  if (!route.id) {
    if (method === "GET") return json(200, await scim.listUsers(caller, listQueryOf(searchParamsOf(url))));
    if (method === "POST") {
      const created = await scim.createUser(caller, await readJson(request));
      return json(201, created, { Location: String((created.meta as { location: string }).location), ...versionHeader(created) });
    }
    return methodNotAllowed("GET, POST");
  }
  const id = route.id;
  switch (method) {
    case "GET": {
      const resource = await scim.getUser(caller, id, listQueryOf(searchParamsOf(url)));
      return json(200, resource, versionHeader(resource));
    }
    case "PUT":
    case "PATCH": {
      const body = await readJson(request);
      const change = method === "PUT" ? await scim.replaceUser(caller, id, body, ifMatch) : await scim.patchUser(caller, id, body, ifMatch);
      // A deactivated account is signed out everywhere, its applications told (like the console's disable).
      if (change.deactivated || change.passwordSet) await signOutEverywhere(id, change.deactivated ? "account_disabled" : "password_changed", caller.ctx, new Date(), { actor: { type: "system", id: `provisioning:${client.tokenId}` } });
      return patchOrPutResult(method, "User", change.resource, url);
    }
    case "DELETE":
      await scim.markUserForDeletion(caller, id, ifMatch);
      await eraseProvisionedAccount(id, `provisioning:${client.tokenId}`, caller.ctx);
      return { status: 204, headers: { ...HEADERS }, body: null };
    default:
      return methodNotAllowed("GET, PUT, PATCH, DELETE");
  }
}

/**
 * RFC 7644 §3.5.2: a PATCH answers 204 without a body unless `attributes` asks for the resource
 * (then 200 with it); Entra's collection expects the 204. PUT answers 200 with the resource (§3.5.1).
 */
async function patchOrPutResult(method: string, kind: "User" | "Group", resource: Record<string, unknown>, url: URL): Promise<EndpointResult> {
  if (method === "PATCH" && !url.searchParams.has("attributes") && !url.searchParams.has("excludedAttributes")) return { status: 204, headers: { ...HEADERS, ...versionHeader(resource) }, body: null };
  return json(200, await scim.projectResource(kind, resource, listQueryOf(searchParamsOf(url))), versionHeader(resource));
}

async function groups(route: { id?: string; search?: boolean }, request: EndpointRequest, caller: scim.ScimCaller, url: URL): Promise<EndpointResult> {
  const method = request.method;
  const ifMatch = request.headers.get("if-match");
  if (route.search) {
    if (method !== "POST") return methodNotAllowed("POST");
    return json(200, await scim.listGroups(caller, listQueryOf(await searchRequestOf(request))));
  }
  if (!route.id) {
    if (method === "GET") return json(200, await scim.listGroups(caller, listQueryOf(searchParamsOf(url))));
    if (method === "POST") {
      const created = await scim.createGroup(caller, await readJson(request));
      return json(201, created, { Location: String((created.meta as { location: string }).location), ...versionHeader(created) });
    }
    return methodNotAllowed("GET, POST");
  }
  const id = route.id;
  switch (method) {
    case "GET": {
      const resource = await scim.getGroup(caller, id, listQueryOf(searchParamsOf(url)));
      return json(200, resource, versionHeader(resource));
    }
    case "PUT":
      return patchOrPutResult("PUT", "Group", await scim.replaceGroup(caller, id, await readJson(request), ifMatch), url);
    case "PATCH":
      return patchOrPutResult("PATCH", "Group", await scim.patchGroup(caller, id, await readJson(request), ifMatch), url);
    case "DELETE":
      await scim.deleteGroup(caller, id, ifMatch);
      return { status: 204, headers: { ...HEADERS }, body: null };
    default:
      return methodNotAllowed("GET, PUT, PATCH, DELETE");
  }
}

function bearerOf(request: EndpointRequest): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header) : null;
  return match ? match[1]! : null;
}

const UNAUTHORIZED = () => scimError(401, "A valid provisioning bearer token is required.", undefined, { "WWW-Authenticate": 'Bearer realm="scim"' });

/** One request of an authenticated provisioning client: routed, answered, errors in the SCIM schema. */
async function serve(request: EndpointRequest, caller: scim.ScimCaller, client: ProvisioningClient, inBulk: boolean): Promise<EndpointResult> {
  const url = new URL(request.url, "http://portico.invalid");
  try {
    const { route, rest } = routeOf(url.pathname);
    switch (route.kind) {
      case "ServiceProviderConfig":
      case "ResourceTypes":
      case "Schemas":
        return await discovery(route, rest, request.method, caller.baseUrl);
      case "Users":
        return await users(route, request, caller, url, client);
      case "Groups":
        return await groups(route, request, caller, url);
      case "Bulk":
        if (inBulk) return scimError(400, "A bulk operation cannot be a bulk request.", "invalidPath");
        if (request.method !== "POST") return methodNotAllowed("POST");
        // Each operation counts against the token's rate limit, as it would alone.
        return json(
          200,
          await runBulk(await readJson(request), async (op) => {
            const wait = await consumeLimit(rateSpec(), client.tokenId);
            if (wait > 0) return scimError(429, `Too many requests: retry in ${wait} s.`, undefined, { "Retry-After": String(wait) });
            return serve(operationRequest(op), caller, client, true);
          }),
        );
      case "Me":
        return scimError(400, "/Me answers the signed-in person's own access token, not a provisioning token.", "invalidPath");
      default:
        return scimError(404, "No such SCIM endpoint.");
    }
  } catch (e) {
    if (e instanceof BulkRequestError) return scimError(e.status, e.message, e.scimType);
    return errorResult(e);
  }
}

/** A bulk operation as a request of its own (its path is relative to /scim/v2). */
function operationRequest(op: { method: string; path: string; body: unknown; ifMatch: string | null }): EndpointRequest {
  const body = op.body === undefined ? "" : JSON.stringify(op.body);
  return { method: op.method, url: `${BASE_PATH}${op.path}`, headers: { get: (name: string) => (name.toLowerCase() === "if-match" ? op.ifMatch : null) }, text: async () => body };
}

/**
 * RFC 7644 §3.11: /Me is the person the request is authenticated as. That is a person's own
 * Portico access token (RFC 6750) with the profile scope, read-only here: a customer changes
 * their account in the portal, where every change has its checks and its mail.
 */
async function me(request: EndpointRequest, url: URL): Promise<EndpointResult> {
  if (request.method !== "GET") return scimError(501, "/Me is read-only here: change your account in the portal.");
  try {
    const principal = await authenticateBearer(bearerOf(request), ["profile"]);
    const resource = await scim.getOwnUser(principal.userId, principal.scopes, `${config().publicUrl}${BASE_PATH}`, listQueryOf(searchParamsOf(url)));
    return json(200, resource, versionHeader(resource));
  } catch (e) {
    if (e instanceof OAuthError) {
      const status = e.status === 403 ? 403 : 401;
      return scimError(status, e.message, undefined, { "WWW-Authenticate": `Bearer realm="scim", error="${e.code}", scope="profile"` });
    }
    return errorResult(e);
  }
}

export async function handle(request: EndpointRequest): Promise<EndpointResult> {
  const url = new URL(request.url, "http://portico.invalid");
  if (/^\/scim\/v2\/me\/?$/i.test(url.pathname)) return me(request, url);
  const client = await authenticateProvisioningToken(bearerOf(request));
  if (!client) return UNAUTHORIZED();
  const ctx = contextFromHeaders(request.headers);
  const wait = await consumeLimit(rateSpec(), client.tokenId);
  const result =
    wait > 0
      ? scimError(429, `Too many requests: retry in ${wait} s.`, undefined, { "Retry-After": String(wait) })
      : await serve(request, { client, ctx, baseUrl: `${config().publicUrl}${BASE_PATH}` }, client, false);
  // Every request a provisioning client makes is on the audit log, with its outcome.
  await recordAudit({
    actor: { type: "system", id: `provisioning:${client.tokenId}` },
    action: "scim.request",
    result: result.status < 400 ? "success" : "failure",
    context: ctx,
    details: { client: client.name, method: request.method, path: url.pathname.slice(0, 200), status: result.status },
  });
  return result;
}
