// GET /account/data/download?export=<id>&token=<token>: the customer's copy of their data as a JSON
// attachment, for the signed-in owner of that export only (lib/privacy checks the token, the owner
// and the download window). Signed out: to the sign-in page and back. A link that is unknown,
// expired, someone else's or not ready yet gets a short page saying so with its status (404, 410,
// 403, 409), never a 500.
import "server-only";
import { escapeHtml } from "@/lib/formats";
import { DataExportError, openDataExport, type DataExportErrorCode } from "@/lib/privacy";
import { currentSessionFromCookieHeader } from "../session-cookie";
import { contextFromHeaders } from "../request-context";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";

const STATUS: Partial<Record<DataExportErrorCode, number>> = { not_found: 404, expired: 410, failed: 410, not_owner: 403, not_ready: 409 };


function errorPage(status: number, message: string): EndpointResult {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Your data | Portico</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5">
<h1 style="font-size:1.5rem">This download is not available</h1>
<p data-testid="download-error">${escapeHtml(message)}</p>
<p><a href="/account/data">Go to Your data</a></p>
</body></html>
`;
  return { status, headers: { "Content-Type": "text/html; charset=utf-8", ...NO_STORE }, body };
}

export async function GET(request: EndpointRequest): Promise<EndpointResult> {
  const url = new URL(request.url, "http://portico.invalid");
  const session = await currentSessionFromCookieHeader(request.headers.get("cookie"));
  if (!session) {
    const back = `${url.pathname}${url.search}`.slice(0, 2000);
    return { status: 303, headers: { Location: `/login?next=${encodeURIComponent(back)}`, ...NO_STORE }, body: null };
  }
  try {
    const archive = await openDataExport(session.user, url.searchParams.get("export"), url.searchParams.get("token"), contextFromHeaders(request.headers));
    return {
      status: 200,
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="${archive.filename}"`,
        "X-Content-Type-Options": "nosniff",
        ...NO_STORE,
      },
      body: archive.json,
    };
  } catch (e) {
    if (e instanceof DataExportError) return errorPage(STATUS[e.code] ?? 400, e.message);
    throw e;
  }
}
