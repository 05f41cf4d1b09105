// POST /admin/users/import/upload: the console's import form (multipart/form-data: file, format,
// onConflict). A route handler rather than a server action: server actions share one body limit
// (next.config.js, 1 MB by default) and raising it to an import's 50 MB would let every action,
// the public ones included, take such bodies. The bar is a console action's: a session meeting the
// console's bar with users:import and a sign-in from the last 15 minutes, and a same-origin request
// (a route handler gets none of the server actions' origin check). The body is read up to the
// limit and no further. Success: 303 back to the page, which shows the job's progress; a refusal:
// a short page with the reason and a link back, so the form works without JavaScript.
import "server-only";
import { isSameOriginPost } from "../request-origin";
import { escapeHtml } from "@/lib/formats";
import { startImport, UserImportError } from "@/lib/user-import";
import { importOptionsSchema, MAX_IMPORT_BYTES } from "@/lib/user-import/user-import.schema";
import { PermissionError } from "@/lib/errors";
import { adminRouteActor } from "../guards";
import { contextFromHeaders } from "../request-context";
import { NO_STORE } from "./result";
import { readCapped } from "../read-capped";

const PAGE = "/admin/users/import";
/** Room for the multipart framing and the two small fields around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

function refusal(status: number, message: string): Response {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Import refused | Portico</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5">
<h1 style="font-size:1.5rem">The import was not started</h1>
<p data-testid="import-error">${escapeHtml(message)}</p>
<p><a href="${PAGE}">Back to the import</a></p>
</body></html>
`;
  return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", ...NO_STORE } });
}

const redirect = (location: string) => new Response(null, { status: 303, headers: { Location: location, ...NO_STORE } });

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginPost(request)) return refusal(403, "The form was not sent from this console.");
  const access = await adminRouteActor(request.headers.get("cookie"), "users:import", { recentSignIn: true });
  if (!access.ok && access.reason === "signed_out") return redirect(`/login?next=${encodeURIComponent(PAGE)}`);
  if (!access.ok && (access.reason === "needs_recent_sign_in" || access.reason === "needs_mfa_session")) return redirect(`/login?force=1&next=${encodeURIComponent(PAGE)}`);
  if (!access.ok) return refusal(403, "Importing users needs the users:import permission.");
  const actor = access.actor;

  const body = await readCapped(request, MAX_IMPORT_BYTES + FORM_OVERHEAD_BYTES);
  if (!body) return refusal(413, `The file is larger than the limit of ${MAX_IMPORT_BYTES / (1024 * 1024)} MB. Split it into several imports.`);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "Content-Type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    return refusal(400, "The form could not be read. Choose a file and send the form again.");
  }
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return refusal(400, "Choose a file to import.");
  const options = importOptionsSchema.safeParse({ format: form.get("format") ?? "auto", onConflict: form.get("onConflict") ?? "skip" });
  if (!options.success) return refusal(400, options.error.issues[0]?.message ?? "Choose the format and what happens to existing accounts.");
  try {
    const { id } = await startImport(actor, { filename: file.name, bytes: new Uint8Array(await file.arrayBuffer()), options: options.data }, contextFromHeaders(request.headers));
    return redirect(`${PAGE}?started=${id}`);
  } catch (e) {
    if (e instanceof PermissionError) return refusal(403, "Importing users needs the users:import permission.");
    if (e instanceof UserImportError) return refusal(e.code === "too_large" ? 413 : 400, e.message);
    throw e;
  }
}
