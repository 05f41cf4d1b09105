import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/admin/form-controls";
import { formatTime, JobProgressBar, JobStateBadge, RefreshWhileRunning } from "@/components/admin/job-progress";
import { surface, tableFrame } from "@/components/ui/styles";
import { requireAdmin } from "@/lib/http";
import { listImports } from "@/lib/user-import";
import { MAX_IMPORT_BYTES } from "@/lib/user-import/user-import.schema";

export const metadata: Metadata = { title: "Import users" };
export const dynamic = "force-dynamic";

const FORMATS = [
  { value: "auto", label: "From the file name (.csv, .json, .jsonl)" },
  { value: "csv", label: "CSV with a header row" },
  { value: "json", label: "JSON array" },
  { value: "jsonl", label: "JSON Lines" },
];
const CONFLICTS = [
  { value: "skip", label: "Skip them (reported as rejected)" },
  { value: "update", label: "Update their profile and attributes" },
];

export default async function ImportUsersPage({ searchParams }: { searchParams: Promise<{ started?: string }> }) {
  const session = await requireAdmin("/admin/users/import", { permission: "users:import" });
  const jobs = await listImports({ id: session.user.id, roles: session.user.roles });
  const { started } = await searchParams;
  const startedJob = jobs.find((j) => j.id === started);
  const running = jobs.some((j) => j.state === "queued" || j.state === "running");
  return (
    <>
      <RefreshWhileRunning running={running} />
      <h1 className="text-2xl font-semibold tracking-tight">Import users</h1>
      <p className="mb-6 mt-1 max-w-2xl text-slate-600 dark:text-slate-400">
        Create accounts from another system. Each row is checked like any other change to a profile; rows that cannot be imported are listed in a report with
        the reason. Passwords come as hashes (argon2, bcrypt, scrypt or PBKDF2) and are replaced by Portico&apos;s own at the first sign-in; accounts without one
        sign in after a password reset. Roles are never imported.
      </p>
      {startedJob ? (
        <div className="mb-6">
          <Alert tone="success">
            The import of {startedJob.filename} ({startedJob.total?.toLocaleString("en-US")} rows) is queued. This page follows its progress.
          </Alert>
        </div>
      ) : null}
      <section aria-labelledby="upload-heading" className={`${surface} p-6`}>
        <h2 id="upload-heading" className="mb-4 text-lg font-semibold">
          Upload a file
        </h2>
        {/* A route handler takes the upload: server actions keep their small body limit (lib/http/endpoints/user-import-upload.ts). */}
        <form action="/admin/users/import/upload" method="post" encType="multipart/form-data" className="max-w-xl space-y-4" aria-label="Import users">
          <div className="space-y-1.5">
            <label htmlFor="import-file" className="block text-sm font-medium text-slate-800 dark:text-slate-200">
              File
            </label>
            <input id="import-file" name="file" type="file" required accept=".csv,.json,.jsonl,.ndjson,text/csv,application/json" aria-describedby="import-file-hint" className="block w-full text-sm" />
            <p id="import-file-hint" className="text-xs text-slate-500 dark:text-slate-400">
              UTF-8, at most {MAX_IMPORT_BYTES / (1024 * 1024)} MB. Columns (CSV) or keys (JSON): <code>email</code> (required), <code>email_verified</code>,{" "}
              <code>name</code>, <code>given_name</code>, <code>family_name</code> and the other OpenID Connect standard claims, <code>phone_number</code>,{" "}
              <code>password_hash</code>, and custom attributes as <code>attr.&lt;name&gt;</code> (or an <code>attributes</code> object in JSON).
            </p>
          </div>
          <SelectField id="import-format" name="format" label="Format" options={FORMATS} defaultValue="auto" />
          <SelectField id="import-conflict" name="onConflict" label="Accounts that already exist" options={CONFLICTS} defaultValue="skip" hint="An update never changes an existing account's password." />
          <Button type="submit" className="sm:w-auto">
            Start the import
          </Button>
        </form>
      </section>
      <section aria-labelledby="imports-heading" className="mt-8">
        <h2 id="imports-heading" className="mb-3 text-lg font-semibold">
          Recent imports
        </h2>
        {jobs.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No imports yet.</p>
        ) : (
          <div className={tableFrame}>
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800">
                <tr>
                  <th scope="col" className="px-4 py-2">File</th>
                  <th scope="col" className="px-4 py-2">State</th>
                  <th scope="col" className="px-4 py-2">Progress</th>
                  <th scope="col" className="px-4 py-2">Created</th>
                  <th scope="col" className="px-4 py-2">Updated</th>
                  <th scope="col" className="px-4 py-2">Rejected</th>
                  <th scope="col" className="px-4 py-2">Started</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => (
                  <tr key={j.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800" data-testid={`import-${j.id}`}>
                    <td className="px-4 py-2">
                      <div className="font-medium">{j.filename}</div>
                      <div className="text-xs text-slate-500">
                        {j.format.toUpperCase()}, {j.onConflict === "update" ? "updates existing" : "skips existing"}
                      </div>
                    </td>
                    <td className="px-4 py-2">
                      <JobStateBadge state={j.state} />
                      {j.lastError ? <div className="mt-1 text-xs text-red-700 dark:text-red-400">{j.lastError}</div> : null}
                    </td>
                    <td className="px-4 py-2">
                      <JobProgressBar id={j.id} processed={j.processed} total={j.total} unit="rows" />
                    </td>
                    <td className="px-4 py-2" data-testid={`created-${j.id}`}>{j.created}</td>
                    <td className="px-4 py-2">{j.updated}</td>
                    <td className="px-4 py-2">
                      <span data-testid={`rejected-${j.id}`}>{j.rejected}</span>
                      {j.rejected > 0 ? (
                        <a className="ml-2 text-indigo-700 underline dark:text-indigo-300" href={`/admin/users/import/report?id=${j.id}`}>
                          Report (CSV)
                        </a>
                      ) : null}
                    </td>
                    <td className="px-4 py-2 text-xs">{formatTime(j.startedAt ?? j.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
