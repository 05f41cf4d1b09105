// The audit log: a GET form of filters (works without JavaScript), newest first, keyset pages by
// id (lib/audit-admin browseAuditLog: each filter is one index range scan), and the export links.
import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { SelectField } from "@/components/admin/form-controls";
import { secondaryButton, smallButton, surface, tableFrame } from "@/components/ui/styles";
import { requireAdmin } from "@/lib/http";
import { hasPermission } from "@/lib/users";
import { browseAuditLog, parseAuditFilter, type AuditLogRow } from "@/lib/audit-admin";
import { AUDIT_FILTER_FIELDS } from "@/lib/audit-admin/audit-admin.schema";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type Params = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const utc = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");

/** The filters as typed (echoed into the form and carried by the page and export links). */
function filterQuery(params: Params, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const key of AUDIT_FILTER_FIELDS) if (first(params[key])) q.set(key, first(params[key]));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

function who(e: AuditLogRow) {
  if (!e.actorId) return <span className="text-slate-500">{e.actorType}</span>;
  return (
    <Link href={`/admin/users/${encodeURIComponent(e.actorId)}`} className="underline-offset-2 hover:underline">
      <code className="text-xs">{e.actorId}</code>
    </Link>
  );
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Params> }) {
  const session = await requireAdmin("/admin/audit", { permission: "audit:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const params = await searchParams;
  const parsed = parseAuditFilter(params);
  const page = parsed.ok ? await browseAuditLog(actor, parsed.filter, { before: first(params.before) || undefined, after: first(params.after) || undefined }) : null;
  const errors = parsed.ok ? {} : parsed.fieldErrors;
  const value = (key: string) => first(params[key]);
  const canExport = hasPermission(actor, "audit:export");

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        {hasPermission(actor, "audit:retention") ? (
          <Link href="/admin/audit/settings" className={secondaryButton}>
            Retention
          </Link>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Every change and every sign-in attempt, newest first. All times are in <strong>UTC</strong>, in the table and in the filters.
      </p>

      <form method="get" action="/admin/audit" className={`${surface} mt-6 grid gap-4 p-6 sm:grid-cols-2 lg:grid-cols-3`} aria-label="Filter the audit log">
        <Field name="actor" label="Actor (account id or email)" defaultValue={value("actor")} error={errors.actor} />
        <Field name="action" label="Action" defaultValue={value("action")} error={errors.action} hint='Exact, or a prefix ending with a dot: "user." or "login.failed".' />
        <SelectField
          name="result"
          label="Result"
          defaultValue={value("result")}
          error={errors.result}
          options={[
            { value: "", label: "Any" },
            { value: "success", label: "Success" },
            { value: "failure", label: "Failure" },
          ]}
        />
        <Field name="targetType" label="Target type" defaultValue={value("targetType")} error={errors.targetType} hint="user, client, session… (with the target id)" />
        <Field name="targetId" label="Target id" defaultValue={value("targetId")} error={errors.targetId} />
        <Field name="ip" label="IP address" defaultValue={value("ip")} error={errors.ip} />
        <Field name="application" label="Application (client id)" defaultValue={value("application")} error={errors.application} />
        <Field name="from" label="From (UTC)" type="datetime-local" step={1} defaultValue={value("from")} error={errors.from} hint="Included." />
        <Field name="to" label="To (UTC)" type="datetime-local" step={1} defaultValue={value("to")} error={errors.to} hint="Excluded." />
        <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-3">
          <button type="submit" className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
            Filter
          </button>
          <Link href="/admin/audit" className={secondaryButton}>
            Clear
          </Link>
          {canExport && parsed.ok ? (
            <span className="ml-auto flex gap-2 text-sm" data-testid="audit-export-links">
              Export these events (UTC, oldest first):
              <a href={`/admin/audit/export?${filterQuery(params, { format: "jsonl" })}`} className={smallButton} download>
                JSON Lines
              </a>
              <a href={`/admin/audit/export?${filterQuery(params, { format: "csv" })}`} className={smallButton} download>
                CSV
              </a>
            </span>
          ) : null}
        </div>
      </form>

      {!parsed.ok ? (
        <div className="mt-6">
          <Alert tone="error">Correct the filters above.</Alert>
        </div>
      ) : null}

      {page ? (
        <>
          <div className={`${tableFrame} mt-6`}>
            <table className="min-w-full text-left text-sm" data-testid="audit-events">
              <thead className="text-slate-500">
                <tr>
                  <th className="px-4 py-2 font-medium">When (UTC)</th>
                  <th className="px-4 py-2 font-medium">Actor</th>
                  <th className="px-4 py-2 font-medium">Action</th>
                  <th className="px-4 py-2 font-medium">Target</th>
                  <th className="px-4 py-2 font-medium">Result</th>
                  <th className="px-4 py-2 font-medium">IP</th>
                  <th className="px-4 py-2 font-medium">
                    <span className="sr-only">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.events.map((e) => (
                  <tr key={e.id} className="border-t border-slate-100 dark:border-slate-800">
                    <td className="px-4 py-2 whitespace-nowrap">{utc(e.createdAt)}</td>
                    <td className="px-4 py-2">{who(e)}</td>
                    <td className="px-4 py-2">
                      <code className="text-xs">{e.action}</code>
                    </td>
                    <td className="px-4 py-2">{e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : ""}</td>
                    <td className={`px-4 py-2 ${e.result === "failure" ? "text-red-700 dark:text-red-400" : ""}`}>{e.result}</td>
                    <td className="px-4 py-2">{e.ip ?? ""}</td>
                    <td className="px-4 py-2">
                      <Link href={`/admin/audit/${e.id}`} className="underline-offset-2 hover:underline" aria-label={`Event ${e.id} in full`}>
                        #{e.id}
                      </Link>
                    </td>
                  </tr>
                ))}
                {page.events.length === 0 ? (
                  <tr>
                    <td colSpan={7} className="px-4 py-3 text-slate-500">
                      No events match.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pages" className="mt-4 flex justify-between text-sm">
            {page.newer ? (
              <Link href={`/admin/audit?${filterQuery(params, { after: page.newer })}`} className={secondaryButton} rel="prev">
                ← Newer
              </Link>
            ) : (
              <span />
            )}
            {page.older ? (
              <Link href={`/admin/audit?${filterQuery(params, { before: page.older })}`} className={secondaryButton} rel="next">
                Older →
              </Link>
            ) : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
