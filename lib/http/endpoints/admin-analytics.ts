// GET /api/admin/v1/analytics: the console's analytics figures as JSON for an application that an
// administrator allowed the portico:analytics scope. Authentication: a client_credentials access
// token (RFC 6749 §4.4) sent as a bearer token (RFC 6750 §2.1). Every error is an RFC 9457 problem
// details object; token faults carry the RFC 6750 §3 WWW-Authenticate challenge.
import "server-only";
import crypto from "node:crypto";
import { AnalyticsError, ANALYTICS_API_SCOPE, getAnalyticsForClient } from "@/lib/analytics";
import { PermissionError } from "@/lib/errors";
import { authenticateClientBearer, bearerToken, OAuthError } from "@/lib/oidc";
import { bearerProblem, statusProblem as problem } from "./bearer-problem";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";

const SCOPES = [ANALYTICS_API_SCOPE] as const;
const PARAMETERS = ["range", "from", "to", "tz", "granularity", "application"] as const;

const HEADERS = { ...NO_STORE, "X-Content-Type-Options": "nosniff" };
function errorResult(e: unknown): EndpointResult {
  if (e instanceof OAuthError) return bearerProblem(e, SCOPES);
  if (e instanceof AnalyticsError) return problem(400, e.message, { parameter: e.field ?? null });
  if (e instanceof PermissionError) return problem(403, `the ${ANALYTICS_API_SCOPE} scope is required`, { error: "insufficient_scope" });
  const id = crypto.randomUUID();
  console.error(`[portico] admin analytics API error ${id}`, e);
  return problem(500, `internal error (reference ${id.slice(0, 8)})`);
}

/** The query's parameters, each at most once (a repeated one is ambiguous: 400). */
function queryOf(request: EndpointRequest): Record<string, string> {
  const params = new URL(request.url, "http://portico.invalid").searchParams;
  const out: Record<string, string> = {};
  for (const name of new Set(params.keys())) {
    if (!(PARAMETERS as readonly string[]).includes(name)) throw new AnalyticsError(`Unknown parameter ${name.slice(0, 40)}: the parameters are ${PARAMETERS.join(", ")}.`, name.slice(0, 40));
    const values = params.getAll(name);
    if (values.length > 1) throw new AnalyticsError(`Give ${name} once.`, name);
    out[name] = values[0]!;
  }
  return out;
}

export async function GET(request: EndpointRequest): Promise<EndpointResult> {
  try {
    // RFC 6750 §2.1 only: the query-string method would put the token in logs (§2.3 discourages it).
    const client = await authenticateClientBearer(bearerToken(request.headers.get("authorization")), SCOPES);
    const report = await getAnalyticsForClient(client, queryOf(request));
    return { status: 200, headers: { "Content-Type": "application/json", ...HEADERS }, body: JSON.stringify(report) };
  } catch (e) {
    return errorResult(e);
  }
}
