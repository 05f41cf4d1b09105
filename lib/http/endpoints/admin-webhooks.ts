// /api/admin/v1/webhooks: webhook subscriptions and their deliveries as JSON, for an application
// that an administrator allowed the portico:webhooks scope (it stands for webhooks:write).
// Authentication: a client_credentials access token (RFC 6749 §4.4) sent as a bearer token
// (RFC 6750 §2.1). Every error is an RFC 9457 problem details object; token faults carry the
// RFC 6750 §3 WWW-Authenticate challenge. Changes are audited with the application as the actor.
//   GET    /webhooks                                   list
//   POST   /webhooks                                   create (201, the secret once)
//   GET    /webhooks/{id}                              read
//   PATCH  /webhooks/{id}                              url, description, eventTypes, enabled
//   DELETE /webhooks/{id}                              delete (204)
//   POST   /webhooks/{id}/rotate-secret                a new secret (the old one signs 24 h more)
//   POST   /webhooks/{id}/replay                       {"since": RFC 3339 time}: replay retained events
//   GET    /webhooks/{id}/deliveries[?before=&limit=]  the delivery log, newest first
//   POST   /webhooks/{id}/deliveries/{deliveryId}/replay
import "server-only";
import crypto from "node:crypto";
import { PermissionError } from "@/lib/errors";
import { authenticateClientBearer, bearerToken, OAuthError } from "@/lib/oidc";
import {
  WEBHOOKS_API_SCOPE,
  WebhookError,
  createSubscription,
  deleteSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  replayDelivery,
  replaySince,
  rotateSubscriptionSecret,
  updateSubscription,
  type WebhookPrincipal,
} from "@/lib/webhooks";
import { contextFromHeaders } from "../request-context";
import { bearerProblem, statusProblem as problem } from "./bearer-problem";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";

const SCOPES = [WEBHOOKS_API_SCOPE] as const;
const HEADERS = { ...NO_STORE, "X-Content-Type-Options": "nosniff" };
const MAX_BODY = 16 * 1024;

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function errorResult(e: unknown): EndpointResult {
  if (e instanceof OAuthError) return bearerProblem(e, SCOPES);
  if (e instanceof BadRequest) return problem(e.status, e.message, e.extra);
  if (e instanceof WebhookError) {
    if (e.code === "not_found") return problem(404, e.message);
    if (e.code === "read_only") return problem(409, e.message);
    return problem(400, e.message, { field: e.field ?? null, ...(e.fieldErrors ? { errors: e.fieldErrors } : {}) });
  }
  if (e instanceof PermissionError) return problem(403, `the ${WEBHOOKS_API_SCOPE} scope is required`, { error: "insufficient_scope" });
  const id = crypto.randomUUID();
  console.error(`[portico] admin webhooks API error ${id}`, e);
  return problem(500, `internal error (reference ${id.slice(0, 8)})`);
}

function json(status: number, value: unknown): EndpointResult {
  return { status, headers: { "Content-Type": "application/json", ...HEADERS }, body: JSON.stringify(value) };
}

async function principalOf(request: EndpointRequest): Promise<WebhookPrincipal> {
  // RFC 6750 §2.1 only: the query-string method would put the token in logs (§2.3 discourages it).
  const client = await authenticateClientBearer(bearerToken(request.headers.get("authorization")), SCOPES);
  return { client };
}

async function readJson(request: EndpointRequest): Promise<unknown> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") throw new BadRequest("send the body as application/json", 415);
  const text = await request.text();
  if (text.length > MAX_BODY) throw new BadRequest("the body is larger than 16 KiB", 413);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest("the body is not valid JSON");
  }
}

/** The path's segments after /api/admin/v1/webhooks, decoded. */
function segments(request: EndpointRequest): string[] {
  const path = new URL(request.url, "http://portico.invalid").pathname.replace(/\/+$/, "");
  const rest = path.slice(path.indexOf("/webhooks") + "/webhooks".length);
  try {
    return rest.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new BadRequest("the path does not decode");
  }
}

function run(handler: (request: EndpointRequest, principal: WebhookPrincipal, path: string[]) => Promise<EndpointResult>) {
  return async (request: EndpointRequest): Promise<EndpointResult> => {
    try {
      return await handler(request, await principalOf(request), segments(request));
    } catch (e) {
      return errorResult(e);
    }
  };
}

const ctxOf = (request: EndpointRequest) => contextFromHeaders(request.headers);

/** /webhooks */
export const collection = {
  GET: run(async (_r, p) => json(200, { webhooks: await listSubscriptions(p) })),
  POST: run(async (r, p) => {
    const created = await createSubscription(p, await readJson(r), ctxOf(r));
    return json(201, { ...created.subscription, secret: created.secret });
  }),
};

/** /webhooks/{id} */
export const item = {
  GET: run(async (_r, p, [id]) => json(200, await getSubscription(p, id!))),
  PATCH: run(async (r, p, [id]) => json(200, await updateSubscription(p, id!, await readJson(r), ctxOf(r)))),
  DELETE: run(async (r, p, [id]) => {
    await deleteSubscription(p, id!, ctxOf(r));
    return { status: 204, headers: HEADERS, body: null };
  }),
};

/** /webhooks/{id}/rotate-secret */
export const rotateSecret = {
  POST: run(async (r, p, [id]) => {
    const rotated = await rotateSubscriptionSecret(p, id!, ctxOf(r));
    return json(200, { ...rotated.subscription, secret: rotated.secret });
  }),
};

/** /webhooks/{id}/replay {"since": "..."} */
export const replay = {
  POST: run(async (r, p, [id]) => {
    const body = await readJson(r);
    const since = body && typeof body === "object" && !Array.isArray(body) ? (body as { since?: unknown }).since : undefined;
    if (typeof since !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(since)) {
      throw new BadRequest("give since as an RFC 3339 date-time (e.g. 2026-12-01T00:00:00Z)", 400, { field: "since" });
    }
    return json(202, await replaySince(p, id!, new Date(since), ctxOf(r)));
  }),
};

/** /webhooks/{id}/deliveries */
export const deliveries = {
  GET: run(async (r, p, [id]) => {
    const params = new URL(r.url, "http://portico.invalid").searchParams;
    const limit = params.get("limit");
    if (limit !== null && !/^\d{1,3}$/.test(limit)) throw new BadRequest("limit is a number from 1 to 200", 400, { field: "limit" });
    return json(200, await listDeliveries(p, id!, { before: params.get("before") ?? undefined, take: limit ? Number(limit) : undefined }));
  }),
};

/** /webhooks/{id}/deliveries/{deliveryId}/replay */
export const deliveryReplay = {
  POST: run(async (r, p, [id, , deliveryId]) => json(202, await replayDelivery(p, id!, deliveryId!, ctxOf(r)))),
};
