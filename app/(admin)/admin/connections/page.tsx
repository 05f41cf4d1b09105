import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { secondaryButton, tableFrame } from "@/components/ui/styles";
import { requireAdmin } from "@/lib/http";
import { listConnectionsFor } from "@/lib/federation";
import { PRESETS } from "@/lib/federation/connection.schema";
import { CONNECTION_KINDS, PROTOCOL_LABELS } from "@/lib/federation/connection-form.schema";
import { hasPermission } from "@/lib/users";

export const metadata: Metadata = { title: "Connections" };
export const dynamic = "force-dynamic";

export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin("/admin/connections", { permission: "connections:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const [connections, params] = await Promise.all([listConnectionsFor(actor), searchParams]);
  const mayWrite = hasPermission(actor, "connections:write");
  const deleted = typeof params.deleted === "string" && /^\d{1,9}$/.test(params.deleted) ? Number(params.deleted) : null;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Connections</h1>
      <p className="mt-1 max-w-3xl text-slate-600 dark:text-slate-400">
        Identity providers customers may sign in with instead of a password: Google, Microsoft, GitHub, a company&apos;s own OpenID Connect or SAML 2.0 identity provider. Each application chooses which
        ones its login page offers (on its page, Sign-in connections); an email domain can send its customers straight to one.
      </p>
      {deleted !== null ? (
        <div className="mt-4">
          <Alert tone="success">The connection was deleted, with {deleted} linked {deleted === 1 ? "identity" : "identities"}.</Alert>
        </div>
      ) : null}

      <div className={`mt-6 ${tableFrame}`}>
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Connections</caption>
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Name</th>
              <th scope="col" className="px-4 py-2 font-medium">Protocol</th>
              <th scope="col" className="px-4 py-2 font-medium">Provider</th>
              <th scope="col" className="px-4 py-2 font-medium">Status</th>
              <th scope="col" className="px-4 py-2 font-medium">Domains</th>
              <th scope="col" className="px-4 py-2 font-medium">Linked identities</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <td className="px-4 py-2 font-medium">
                  <Link href={`/admin/connections/${c.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                    {c.name}
                  </Link>
                  <span className="ml-2 font-mono text-xs text-slate-500">{c.slug}</span>
                </td>
                <td className="px-4 py-2">{PROTOCOL_LABELS[c.protocol] ?? c.protocol}</td>
                <td className="px-4 py-2">{c.preset ? PRESETS[c.preset].label : "Generic"}</td>
                <td className="px-4 py-2">{c.enabled ? "enabled" : <span className="font-medium text-red-700 dark:text-red-300">disabled</span>}</td>
                <td className="px-4 py-2">{c.domains.length ? c.domains.join(", ") : <span className="text-slate-500">none</span>}</td>
                <td className="px-4 py-2 tabular-nums">{c.linkedIdentities}</td>
              </tr>
            ))}
            {connections.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-4 py-6 text-center text-slate-500">
                  No connections yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      {mayWrite ? (
        <section aria-labelledby="add-connection" className="mt-10">
          <h2 id="add-connection" className="text-lg font-semibold">Add a connection</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">A built-in provider comes with its endpoints and claims filled in; you add the client ID and secret its console gives you.</p>
          <ul className="mt-4 flex flex-wrap gap-2">
            {CONNECTION_KINDS.map((k) => (
              <li key={k.kind}>
                <Link href={`/admin/connections/new?preset=${k.kind}`} className={`${secondaryButton} inline-block`}>
                  {k.label}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
