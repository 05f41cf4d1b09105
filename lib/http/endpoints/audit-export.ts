// GET /admin/audit/export?format=jsonl|csv&<the viewer's filters>: the audit events of the filter
// as a download, streamed (lib/audit-admin exportAuditLog reads them 1,000 at a time as the client
// takes them). A route handler cannot redirect the way the console pages do, so the console bar
// answers here with a status and an RFC 9457 problem details body: 401 without a session, 403 for
// anyone not past the bar or without audit:export.
import "server-only";
import { AuditAdminError, exportAuditLog, parseAuditFilter, type ExportFormat } from "@/lib/audit-admin";
import { adminRouteActor } from "../guards";
import { contextFromHeaders } from "../request-context";
import { isCrossSiteRequest } from "../request-origin";
import { NO_STORE, aboutBlankProblem, toResponse } from "./result";

const REFUSALS = {
  signed_out: { status: 401, detail: "Sign in to the console to export the audit log." },
  forbidden: { status: 403, detail: "Exporting the audit log is for administrators." },
  needs_strong_factor: { status: 403, detail: "The console needs a passkey or an authenticator app on your account." },
  needs_mfa_session: { status: 403, detail: "Sign in again with your second step to use the console." },
  needs_recent_sign_in: { status: 403, detail: "Sign in again to use the console." },
  missing_permission: { status: 403, detail: "Exporting the audit log needs the audit:export permission (auditor or super administrator)." },
} as const;

const problem = (...args: Parameters<typeof aboutBlankProblem>): Response => toResponse(aboutBlankProblem(...args));

export async function GET(request: Request): Promise<Response> {
  if (isCrossSiteRequest(request.headers)) return problem(403, "Forbidden", "Start the export from the console's audit log page.");
  const access = await adminRouteActor(request.headers.get("cookie"), "audit:export");
  if (!access.ok) {
    const refusal = REFUSALS[access.reason];
    // RFC 9110 §15.5.2: a 401 carries a challenge; the console's only scheme is its session cookie
    // (no registered scheme names one), so the challenge names the sign-in page.
    const challenge: Record<string, string> = refusal.status === 401 ? { "WWW-Authenticate": 'Cookie realm="portico-console", form-action="/login"' } : {};
    return problem(refusal.status, refusal.status === 401 ? "Unauthorized" : "Forbidden", refusal.detail, {}, challenge);
  }
  const url = new URL(request.url, "http://portico.invalid");
  const format = url.searchParams.get("format") ?? "jsonl";
  const parsed = parseAuditFilter(Object.fromEntries(url.searchParams));
  if (format !== "jsonl" && format !== "csv") return problem(400, "Bad Request", "The format is jsonl or csv.", { errors: { format: "jsonl or csv" } });
  if (!parsed.ok) return problem(400, "Bad Request", "The filter is not valid.", { errors: parsed.fieldErrors });
  try {
    const exported = await exportAuditLog(access.actor, parsed.filter, format as ExportFormat, contextFromHeaders(request.headers));
    return new Response(exported.body, {
      status: 200,
      headers: {
        "Content-Type": exported.contentType,
        // RFC 6266 §4.1: a download, named after the range; the name is ASCII only.
        "Content-Disposition": `attachment; filename="${exported.filename}"`,
        "X-Content-Type-Options": "nosniff",
        ...NO_STORE,
      },
    });
  } catch (e) {
    if (e instanceof AuditAdminError) return problem(400, "Bad Request", e.message);
    throw e;
  }
}
