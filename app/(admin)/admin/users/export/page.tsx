import type { Metadata } from "next";
import { formatTime, JobProgressBar, JobStateBadge, RefreshWhileRunning } from "@/components/admin/job-progress";
import { UserExportForm } from "@/components/admin/user-export-form";
import { surface, tableFrame } from "@/components/ui/styles";
import { requireAdmin } from "@/lib/http";
import { listExports } from "@/lib/user-import";
import { startExportAction } from "./actions";

export const metadata: Metadata = { title: "Export users" };
export const dynamic = "force-dynamic";

function describeFilter(filter: Record<string, unknown>): string {
  const parts = [filter.status && filter.status !== "any" ? String(filter.status) : "all"];
  if (filter.createdFrom) parts.push(`from ${String(filter.createdFrom)}`);
  if (filter.createdTo) parts.push(`to ${String(filter.createdTo)}`);
  return parts.join(", ");
}

export default async function ExportUsersPage() {
  const session = await requireAdmin("/admin/users/export", { permission: "users:export" });
  const jobs = await listExports({ id: session.user.id, roles: session.user.roles });
  const running = jobs.some((j) => j.state === "queued" || j.state === "running");
  return (
    <>
      <RefreshWhileRunning running={running} />
      <h1 className="text-2xl font-semibold tracking-tight">Export users</h1>
      <p className="mb-6 mt-1 max-w-2xl text-slate-600 dark:text-slate-400">
        A file of the accounts with their profiles and custom attributes, prepared in the background. It never holds passwords, their hashes or any other
        secret. Files are kept for seven days.
      </p>
      <section aria-labelledby="export-heading" className={`${surface} p-6`}>
        <h2 id="export-heading" className="mb-4 text-lg font-semibold">
          New export
        </h2>
        <UserExportForm action={startExportAction} />
      </section>
      <section aria-labelledby="exports-heading" className="mt-8">
        <h2 id="exports-heading" className="mb-3 text-lg font-semibold">
          Recent exports
        </h2>
        {jobs.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No exports yet.</p>
        ) : (
          <div className={tableFrame}>
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800">
                <tr>
                  <th scope="col" className="px-4 py-2">Accounts</th>
                  <th scope="col" className="px-4 py-2">State</th>
                  <th scope="col" className="px-4 py-2">Progress</th>
                  <th scope="col" className="px-4 py-2">Requested</th>
                  <th scope="col" className="px-4 py-2">File</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => (
                  <tr key={j.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800" data-testid={`export-${j.id}`}>
                    <td className="px-4 py-2">{describeFilter(j.filter)}</td>
                    <td className="px-4 py-2">
                      <JobStateBadge state={j.state} />
                      {j.lastError ? <div className="mt-1 text-xs text-red-700 dark:text-red-400">{j.lastError}</div> : null}
                    </td>
                    <td className="px-4 py-2">
                      <JobProgressBar id={j.id} processed={j.processed} total={j.total} unit="accounts exported" />
                    </td>
                    <td className="px-4 py-2 text-xs">{formatTime(j.createdAt)}</td>
                    <td className="px-4 py-2">
                      {j.state === "done" ? (
                        <a className="text-indigo-700 underline dark:text-indigo-300" href={`/admin/users/export/download?id=${j.id}`}>
                          Download ({j.format === "csv" ? "CSV" : "JSON Lines"})
                        </a>
                      ) : (
                        "—"
                      )}
                    </td>
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
