// The console's downloads of bulk user jobs (lib/user-import):
//   GET /admin/users/import/report?id=<import id>   the rejected rows, CSV (row, email, reason)
//   GET /admin/users/export/download?id=<export id> a finished export, JSON Lines or CSV
// Signed out: to the sign-in page and back. Anyone else who does not meet the console's bar with
// the permission, and any job that is unknown or not ready, gets RFC 9457 problem details.
import "server-only";
import { exportFile, importReport, UserImportError, type Download } from "@/lib/user-import";
import type { Actor, Permission } from "@/lib/users";
import { PermissionError } from "@/lib/errors";
import { adminRouteActor } from "../guards";
import { isCrossSiteRequest } from "../request-origin";
import { NO_STORE, aboutBlankProblem, type EndpointRequest, type EndpointResult } from "./result";

/** RFC 9457 §3.1: type, title, status, detail; "about:blank" as the type, its title the status phrase (§4.2.1). */
const problem = (status: number, title: string, detail: string): EndpointResult => aboutBlankProblem(status, title, detail);

const STATUS = { not_found: [404, "Not Found"], not_ready: [409, "Conflict"], too_large: [400, "Bad Request"], invalid_file: [400, "Bad Request"] } as const;

function attachment(download: Download): EndpointResult {
  return {
    status: 200,
    headers: {
      "Content-Type": download.contentType,
      "Content-Disposition": `attachment; filename="${download.filename.replace(/[^\w.-]/g, "_")}"`,
      "X-Content-Type-Options": "nosniff",
      ...NO_STORE,
    },
    body: download.body,
  };
}

function download(permission: Permission, read: (actor: Actor, id: string | null) => Promise<Download>) {
  return async (request: EndpointRequest): Promise<EndpointResult> => {
    const url = new URL(request.url, "http://portico.invalid");
    if (isCrossSiteRequest(request.headers)) return problem(403, "Forbidden", "Start the download from the console.");
    const access = await adminRouteActor(request.headers.get("cookie"), permission);
    if (!access.ok && access.reason === "signed_out") {
      const back = `${url.pathname}${url.search}`.slice(0, 2000);
      return { status: 303, headers: { Location: `/login?next=${encodeURIComponent(back)}`, ...NO_STORE }, body: null };
    }
    if (!access.ok) return problem(403, "Forbidden", `This download needs the ${permission} permission in the console.`);
    const actor = access.actor;
    try {
      return attachment(await read(actor, url.searchParams.get("id")));
    } catch (e) {
      if (e instanceof PermissionError) return problem(403, "Forbidden", `This download needs the ${permission} permission in the console.`);
      if (e instanceof UserImportError) {
        const [status, title] = STATUS[e.code];
        return problem(status, title, e.message);
      }
      throw e;
    }
  };
}

export const importReportGET = download("users:import", importReport);
export const exportDownloadGET = download("users:export", exportFile);
