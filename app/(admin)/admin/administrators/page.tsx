import type { Metadata } from "next";
import Link from "next/link";
import { GrantRoleForm, RevokeRoleForm } from "@/components/admin/role-forms";
import { requireAdmin } from "@/lib/http";
import { listApplications } from "@/lib/applications";
import { ROLE_LABELS, ROLES, hasPermission, hasTenantWidePermission, listAdministrators, mayGrant, parseGrant } from "@/lib/users";
import { surface, tableFrame } from "@/components/ui/styles";
import { isoDay } from "@/lib/formats";
import { grantRoleAction, revokeRoleAction } from "./actions";

export const metadata: Metadata = { title: "Administrators" };

export default async function AdministratorsPage() {
  const session = await requireAdmin("/admin/administrators", { permission: "roles:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const canWrite = hasPermission(actor, "roles:write");
  const [holders, applications] = await Promise.all([
    listAdministrators(actor),
    canWrite && hasTenantWidePermission(actor, "applications:read") ? listApplications(actor) : Promise.resolve([]),
  ]);
  const names = new Map(applications.map((a) => [a.id, a.name]));
  // The roles this administrator could give somewhere (the form's choices; the domain decides per scope).
  const scopes = [null, ...actor.roles.map((r) => parseGrant(r)?.scope ?? null).filter((s) => s !== null)];
  const grantable = ROLES.filter((role) => scopes.some((scope) => mayGrant(actor, { role, scope })));
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Administrators</h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        Who may use this console, and for what. A role can be limited to one application, or (help desk and user administrators) to a customer
        segment. Nobody can give a role with more power than their own.
      </p>
      <div className={`mt-6 ${tableFrame}`}>
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Administrators and their roles</caption>
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Person</th>
              <th scope="col" className="px-4 py-2 font-medium">Role</th>
              <th scope="col" className="px-4 py-2 font-medium">Limited to</th>
              <th scope="col" className="px-4 py-2 font-medium">Since</th>
              <th scope="col" className="px-4 py-2 font-medium"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {holders.flatMap((h) =>
              h.grants.map((g, i) => (
                <tr key={`${h.id}-${g.role}-${g.scope ?? ""}`} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                  <td className="px-4 py-2 font-medium">{i === 0 ? <Link href={`/admin/users/${h.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">{h.email}</Link> : null}</td>
                  <td className="px-4 py-2">{ROLE_LABELS[g.role] ?? g.role}</td>
                  <td className="px-4 py-2">{g.scope ? (g.role === "app_admin" ? (names.get(g.scope) ?? g.scope) : g.scope) : "—"}</td>
                  <td className="px-4 py-2">{isoDay(g.grantedAt)}</td>
                  <td className="px-4 py-2 text-right">
                    {canWrite && mayGrant(actor, g) ? (
                      <RevokeRoleForm action={revokeRoleAction} userId={h.id} role={g.role} scope={g.scope} label={ROLE_LABELS[g.role]} email={h.email} />
                    ) : null}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      {canWrite && grantable.length ? (
        <section aria-labelledby="give-role" className={`${surface} mt-8 max-w-xl p-6`}>
          <h2 id="give-role" className="mb-4 text-lg font-semibold">Give a role</h2>
          <GrantRoleForm action={grantRoleAction} applications={applications.map((a) => ({ id: a.id, name: a.name }))} roles={grantable} />
        </section>
      ) : null}
    </>
  );
}
