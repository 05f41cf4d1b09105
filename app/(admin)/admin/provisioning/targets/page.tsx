import type { Metadata } from "next";
import Link from "next/link";
import { TargetForm } from "@/components/admin/provisioning-targets";
import { Alert } from "@/components/ui/alert";
import { tableFrame } from "@/components/ui/styles";
import { requireAdmin } from "@/lib/http";
import { DEFAULT_MAPPING, listTargets, MAPPING_SOURCES, mappingToText } from "@/lib/provisioning";
import { hasPermission } from "@/lib/users";
import { createTargetAction } from "./actions";

export const metadata: Metadata = { title: "Provisioning targets" };
export const dynamic = "force-dynamic";

const scopeText = (scope: string) => (scope === "group" ? "a group" : scope === "application" ? "an application's roles" : "all customers");

export default async function ProvisioningTargetsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin("/admin/provisioning/targets", { permission: "provisioning:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const mayWrite = hasPermission(actor, "provisioning:write");
  const targets = await listTargets(actor);
  const deleted = (await searchParams).deleted === "1";
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/provisioning" className="text-indigo-600 hover:underline dark:text-indigo-400">
          ← Provisioning
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Provisioning targets</h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        Services Portico pushes its customers to through SCIM 2.0: it creates them, keeps their attributes up to date, deactivates or deletes those who leave the scope and deletes those erased here.
      </p>
      {deleted ? (
        <div className="mt-4 max-w-2xl">
          <Alert tone="success">Target deleted.</Alert>
        </div>
      ) : null}

      <section aria-labelledby="targets" className="mt-8">
        <h2 id="targets" className="text-lg font-semibold">Targets</h2>
        <div className={`mt-4 ${tableFrame}`}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Provisioning targets</caption>
            <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Name</th>
                <th scope="col" className="px-4 py-2 font-medium">Base URL</th>
                <th scope="col" className="px-4 py-2 font-medium">Scope</th>
                <th scope="col" className="px-4 py-2 font-medium">Users pushed</th>
                <th scope="col" className="px-4 py-2 font-medium">Pending / failed jobs</th>
                <th scope="col" className="px-4 py-2 font-medium">Status</th>
              </tr>
            </thead>
            <tbody>
              {targets.map((t) => (
                <tr key={t.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                  <td className="px-4 py-2 font-medium">
                    <Link href={`/admin/provisioning/targets/${t.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                      {t.name}
                    </Link>
                  </td>
                  <td className="px-4 py-2 font-mono text-xs">{t.baseUrl}</td>
                  <td className="px-4 py-2">{scopeText(t.scope)}</td>
                  <td className="px-4 py-2">{t.mapped}</td>
                  <td className="px-4 py-2">
                    {t.pending} / {t.failed ? <span className="text-red-700 dark:text-red-300">{t.failed}</span> : 0}
                  </td>
                  <td className="px-4 py-2">{t.enabled ? "enabled" : <span className="text-slate-500">disabled</span>}</td>
                </tr>
              ))}
              {targets.length === 0 ? (
                <tr>
                  <td colSpan={6} className="px-4 py-6 text-center text-slate-500">
                    No targets yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>

      {mayWrite ? (
        <section aria-labelledby="new-target" className="mt-10">
          <h2 id="new-target" className="mb-4 text-lg font-semibold">New target</h2>
          <TargetForm
            action={createTargetAction}
            sources={MAPPING_SOURCES.join(", ")}
            initial={{ name: "", baseUrl: "", mapping: mappingToText(DEFAULT_MAPPING), scope: "all", scopeGroup: "", scopeApplicationId: "", onLeave: "deactivate" }}
          />
        </section>
      ) : null}
    </>
  );
}
