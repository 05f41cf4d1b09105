import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteTargetForm, ReplaceTokenForm, TargetButton, TargetForm } from "@/components/admin/provisioning-targets";
import { Alert } from "@/components/ui/alert";
import { tableFrame } from "@/components/ui/styles";
import { requireAdmin } from "@/lib/http";
import { getTarget, listTargetLog, LOG_RETENTION_DAYS, MAPPING_SOURCES, mappingToText, ProvisioningTargetError, type TargetView } from "@/lib/provisioning";
import { hasPermission } from "@/lib/users";
import { deleteTargetAction, reconcileTargetNowAction, replaceTargetTokenAction, setTargetEnabledAction, syncTargetNowAction, updateTargetAction } from "../actions";

export const metadata: Metadata = { title: "Provisioning target" };
export const dynamic = "force-dynamic";

const when = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

export default async function ProvisioningTargetPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const session = await requireAdmin(`/admin/provisioning/targets/${encodeURIComponent(id)}`, { permission: "provisioning:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const mayWrite = hasPermission(actor, "provisioning:write");
  let target: TargetView & { pending: number };
  try {
    target = await getTarget(actor, id);
  } catch (e) {
    if (e instanceof ProvisioningTargetError && e.code === "not_found") notFound();
    throw e;
  }
  const log = await listTargetLog(actor, target.id, 200);
  const created = (await searchParams).created === "1";
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/provisioning/targets" className="text-indigo-600 hover:underline dark:text-indigo-400">
          ← Provisioning targets
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">{target.name}</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {target.enabled ? "Enabled" : "Disabled"} · {target.pending} pending {target.pending === 1 ? "job" : "jobs"} · last full reconciliation {target.lastReconciledAt ? when(target.lastReconciledAt) : "never"}
        {target.reconcileRunning ? " · reconciliation running" : ""}
      </p>
      {created ? (
        <div className="mt-4 max-w-2xl">
          <Alert tone="success">Target created.{target.enabled ? " Everyone in scope is being pushed." : " Enable it to start pushing."}</Alert>
        </div>
      ) : null}

      {mayWrite ? (
        <div className="mt-6 flex flex-wrap items-start gap-3">
          <TargetButton action={setTargetEnabledAction} id={target.id} label={target.enabled ? "Disable" : "Enable"} name="enabled" value={target.enabled ? "0" : "1"} />
          <TargetButton action={syncTargetNowAction} id={target.id} label="Sync now" />
          <TargetButton action={reconcileTargetNowAction} id={target.id} label="Reconcile now" />
        </div>
      ) : null}

      <section aria-labelledby="log" className="mt-10">
        <h2 id="log" className="text-lg font-semibold">Log</h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Every request to the service, newest first; kept {LOG_RETENTION_DAYS} days.</p>
        <div className={`mt-4 ${tableFrame}`}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Push attempts, newest first</caption>
            <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Time</th>
                <th scope="col" className="px-4 py-2 font-medium">Action</th>
                <th scope="col" className="px-4 py-2 font-medium">User</th>
                <th scope="col" className="px-4 py-2 font-medium">HTTP</th>
                <th scope="col" className="px-4 py-2 font-medium">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {log.map((l) => (
                <tr key={l.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                  <td className="px-4 py-2 whitespace-nowrap">{when(l.at)}</td>
                  <td className="px-4 py-2">{l.action}</td>
                  <td className="px-4 py-2 font-mono text-xs">
                    <Link href={`/admin/users/${l.userId}`} className="hover:underline">
                      {l.userId}
                    </Link>
                  </td>
                  <td className="px-4 py-2">{l.httpStatus ?? "—"}</td>
                  <td className="px-4 py-2">{l.outcome === "ok" ? "ok" : <span className="text-red-700 dark:text-red-300">failed{l.error ? `: ${l.error}` : ""}</span>}</td>
                </tr>
              ))}
              {log.length === 0 ? (
                <tr>
                  <td colSpan={5} className="px-4 py-6 text-center text-slate-500">
                    Nothing pushed yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>

      {mayWrite ? (
        <>
          <section aria-labelledby="settings" className="mt-10">
            <h2 id="settings" className="mb-4 text-lg font-semibold">Settings</h2>
            <TargetForm
              action={updateTargetAction}
              sources={MAPPING_SOURCES.join(", ")}
              initial={{
                id: target.id,
                name: target.name,
                baseUrl: target.baseUrl,
                mapping: mappingToText(target.mapping),
                scope: target.scope,
                scopeGroup: target.scopeGroupName ?? "",
                scopeApplicationId: target.scopeApplicationId ?? "",
                onLeave: target.onLeave,
              }}
            />
          </section>
          <section aria-labelledby="token" className="mt-10">
            <h2 id="token" className="mb-4 text-lg font-semibold">Token</h2>
            <ReplaceTokenForm action={replaceTargetTokenAction} id={target.id} />
          </section>
          <section aria-labelledby="danger" className="mt-10">
            <h2 id="danger" className="mb-4 text-lg font-semibold">Delete</h2>
            <DeleteTargetForm action={deleteTargetAction} id={target.id} name={target.name} />
          </section>
        </>
      ) : null}
    </>
  );
}
