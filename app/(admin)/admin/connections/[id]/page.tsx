import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConnectionDomainsForm, ConnectionForm, DeleteConnectionForm } from "@/components/admin/connection-forms";
import { CopyableValue } from "@/components/admin/secret-box";
import { Section } from "@/components/admin/section";
import { Alert } from "@/components/ui/alert";
import { config } from "@/lib/config";
import { requireAdmin } from "@/lib/http";
import { getConnectionFor, type ConnectionAdminView } from "@/lib/federation";
import { callbackPath, PRESETS } from "@/lib/federation/connection.schema";
import { connectionFormValuesOf } from "@/lib/federation/connection-form.schema";
import { hasPermission } from "@/lib/users";
import { deleteConnectionAction, setConnectionDomainsAction, updateConnectionAction } from "../actions";

export const metadata: Metadata = { title: "Connection" };
export const dynamic = "force-dynamic";

/** The settings as read-only rows, for a role that reads connections without changing them. */
function SettingsSummary({ c }: { c: ConnectionAdminView }) {
  const s = c.settings;
  const rows: [string, string][] = [
    ["Protocol", c.protocol === "oidc" ? "OpenID Connect" : "OAuth 2.0"],
    ...(s?.protocol === "oidc" ? [["Issuer", s.issuer] as [string, string]] : []),
    ...(s?.protocol === "oauth2" ? ([["Authorization endpoint", s.authorizationEndpoint], ["Token endpoint", s.tokenEndpoint], ["Profile endpoint", s.userinfoEndpoint]] as [string, string][]) : []),
    ["Client ID", s?.clientId ?? ""],
    ["Client secret", c.hasClientSecret ? "stored (never shown)" : "none"],
    ["Scopes", s?.scopes.join(" ") || "—"],
    ["Claim mapping", s && Object.keys(s.claimMapping).length ? Object.entries(s.claimMapping).map(([f, claim]) => `${f} ← ${claim}`).join(", ") : "the standard claims"],
    ["Trusts verified addresses", c.trustEmailVerified ? "yes" : "no"],
    ["Keeps the provider's tokens", c.storeTokens ? "yes" : "no"],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd className="break-all">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function ConnectionPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const session = await requireAdmin(`/admin/connections/${encodeURIComponent(id)}`, { permission: "connections:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const c = await getConnectionFor(actor, id);
  if (!c) notFound();
  const mayWrite = hasPermission(actor, "connections:write");
  const created = (await searchParams).created === "1";
  const callbackUrl = `${config().publicUrl}${callbackPath(c.slug)}`;
  return (
    <>
      <Link href="/admin/connections" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
        ← Connections
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{c.name}</h1>
        <span
          className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${c.enabled ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200"}`}
        >
          {c.enabled ? "Enabled" : "Disabled"}
        </span>
      </div>
      {created ? (
        <div className="mt-4">
          <Alert tone="success">{c.name} was added. Register the callback URL below at the provider, then choose the applications that offer it.</Alert>
        </div>
      ) : null}
      {!c.settings ? (
        <div className="mt-4">
          <Alert tone="error">Its stored settings can no longer be read, so nobody can sign in with it: check them below and save.</Alert>
        </div>
      ) : null}
      <dl className="mt-4 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-slate-500">Provider</dt>
        <dd>{c.preset ? PRESETS[c.preset].label : "Generic"}</dd>
        <dt className="text-slate-500">Linked identities</dt>
        <dd className="tabular-nums">{c.linkedIdentities}</dd>
        <dt className="text-slate-500">Created</dt>
        <dd>{c.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</dd>
      </dl>

      <Section id="callback" title="Callback URL">
        <div className="max-w-2xl space-y-2">
          <CopyableValue label="Register this redirect URI at the provider" value={callbackUrl} id="callback-url" />
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {c.preset ? PRESETS[c.preset].setup : "Register it as the redirect URI (callback) of Portico's client at the provider: the authorization code comes back there."}
          </p>
        </div>
      </Section>

      <Section id="settings" title="Settings">
        {mayWrite ? (
          <ConnectionForm action={updateConnectionAction} id={c.id} initial={connectionFormValuesOf(c)} publicUrl={config().publicUrl} hasClientSecret={c.hasClientSecret} />
        ) : (
          <SettingsSummary c={c} />
        )}
      </Section>

      <Section id="domains" title="Home realm discovery">
        {mayWrite ? (
          <ConnectionDomainsForm action={setConnectionDomainsAction} id={c.id} domains={c.domains} />
        ) : (
          <p className="text-sm">{c.domains.length ? c.domains.join(", ") : "No email domain goes straight to this connection."}</p>
        )}
      </Section>

      {mayWrite ? (
        <Section id="delete" title="Delete">
          <DeleteConnectionForm action={deleteConnectionAction} id={c.id} name={c.name} linkedIdentities={c.linkedIdentities} />
        </Section>
      ) : null}
    </>
  );
}
