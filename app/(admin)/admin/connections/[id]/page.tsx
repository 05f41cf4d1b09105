import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConnectionDomainsForm, ConnectionForm, DeleteConnectionForm } from "@/components/admin/connection-forms";
import { TextAreaField } from "@/components/admin/form-controls";
import { CopyableValue } from "@/components/admin/secret-box";
import { Section } from "@/components/admin/section";
import { Alert } from "@/components/ui/alert";
import { config } from "@/lib/config";
import { requireAdmin } from "@/lib/http";
import { EXPIRY_WARNING_DAYS, getConnectionFor, samlConnectionDetails, type CertificateSummary, type ConnectionAdminView, type SamlConnectionDetails } from "@/lib/federation";
import { callbackPath, PRESETS, signedOutPath } from "@/lib/federation/connection.schema";
import { connectionFormValuesOf, PROTOCOL_LABELS } from "@/lib/federation/connection-form.schema";
import { hasPermission } from "@/lib/users";
import { deleteConnectionAction, setConnectionDomainsAction, updateConnectionAction } from "../actions";

export const metadata: Metadata = { title: "Connection" };
export const dynamic = "force-dynamic";

type Row = [string, string];

/** The settings as read-only rows, for a role that reads connections without changing them. */
function SettingsSummary({ c }: { c: ConnectionAdminView }) {
  const s = c.settings;
  const mapping = s && Object.keys(s.claimMapping).length ? Object.entries(s.claimMapping).map(([f, claim]) => `${f} ← ${claim}`).join(", ") : null;
  const rows: Row[] =
    s?.protocol === "saml"
      ? [
          ["Protocol", PROTOCOL_LABELS.saml],
          ["NameID format", s.nameIdFormat],
          ["Signs authentication requests", s.signAuthnRequests ? "yes" : "no"],
          ["Encrypted assertions only", s.requireEncryptedAssertions ? "yes" : "no"],
          ["Attribute mapping", mapping ?? "the common attribute names"],
          ["Links accounts by asserted address", c.trustEmailVerified ? "yes" : "no"],
        ]
      : [
          ["Protocol", PROTOCOL_LABELS[c.protocol] ?? c.protocol],
          ...(s?.protocol === "oidc" ? [["Issuer", s.issuer] as Row] : []),
          ...(s?.protocol === "oauth2" ? ([["Authorization endpoint", s.authorizationEndpoint], ["Token endpoint", s.tokenEndpoint], ["Profile endpoint", s.userinfoEndpoint]] as Row[]) : []),
          ["Client ID", s?.clientId ?? ""],
          ["Client secret", c.hasClientSecret ? "stored (never shown)" : "none"],
          ["Scopes", s?.scopes.join(" ") || "—"],
          ["Claim mapping", mapping ?? "the standard claims"],
          ["Trusts verified addresses", c.trustEmailVerified ? "yes" : "no"],
          ["Keeps the provider's tokens", c.storeTokens ? "yes" : "no"],
        ];
  return <Rows rows={rows} />;
}

function Rows({ rows }: { rows: Row[] }) {
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

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A certificate's fingerprint and expiry, flagged when past or within EXPIRY_WARNING_DAYS of it. */
function Certificate({ summary, now }: { summary: CertificateSummary | null; now: Date }) {
  if (!summary) return <p className="text-sm text-red-700 dark:text-red-300">This certificate can no longer be read: paste the identity provider&apos;s metadata again.</p>;
  const daysLeft = Math.floor((summary.validTo.getTime() - now.getTime()) / 86_400_000);
  const flag =
    summary.status === "expired" ? (
      <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800 dark:bg-red-950 dark:text-red-200">expired</span>
    ) : summary.status === "expiring" ? (
      <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-950 dark:text-amber-100">
        expires in {daysLeft} {daysLeft === 1 ? "day" : "days"}
      </span>
    ) : null;
  return (
    <div className="space-y-1 text-sm">
      <p className="break-all font-mono text-xs">SHA-256 {summary.sha256Fingerprint}</p>
      <p className="text-slate-600 dark:text-slate-400">
        {summary.subject || "(no subject)"} · valid until {day(summary.validTo)} {flag}
      </p>
    </div>
  );
}

/** What the identity provider's administrator enters for Portico, and what Portico took from the identity provider's metadata. */
function SamlSides({ c, details, now }: { c: ConnectionAdminView; details: SamlConnectionDetails; now: Date }) {
  const { serviceProvider: sp, identityProvider: idp } = details;
  const expiring = idp.certificates.filter((x) => !x || x.status !== "valid").length;
  return (
    <>
      <Section id="service-provider" title="Portico, as the identity provider sees it">
        <div className="max-w-2xl space-y-4">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Add Portico to the identity provider as a SAML service provider (Entra ID: Enterprise applications → New application → Create your own; Okta: Applications → Create App Integration →
            SAML 2.0) with these values. One that imports metadata can read all of them from the entity ID&apos;s URL.
          </p>
          <CopyableValue label="Entity ID (Identifier, Audience URI), also the URL of Portico's metadata" value={sp.entityId} id={`sp-entity-${c.id}`} />
          <CopyableValue label="Assertion Consumer Service URL (Reply URL, Single sign-on URL): HTTP-POST binding" value={sp.acsUrl} id={`sp-acs-${c.id}`} />
          {sp.certificatePem ? (
            <>
              <TextAreaField
                id={`sp-certificate-${c.id}`}
                name="spCertificate"
                label="Portico's certificate for this connection"
                readOnly
                rows={8}
                spellCheck={false}
                value={sp.certificatePem}
                hint="The identity provider checks signed requests with it and encrypts assertions to it. Public: select it and copy it. Its private key is stored encrypted and never shown."
              />
              <Certificate summary={sp.certificate} now={now} />
            </>
          ) : (
            <Alert tone="error">No certificate is stored for this connection yet: saving its settings makes one.</Alert>
          )}
        </div>
      </Section>
      <Section id="identity-provider" title="The identity provider, from its metadata">
        <div className="max-w-2xl space-y-4">
          <Rows
            rows={[
              ["Entity ID", idp.entityId],
              ["Sign-on URL (HTTP-Redirect)", idp.ssoUrl],
              ["NameID format asked", idp.nameIdFormat],
            ]}
          />
          <h3 className="text-sm font-medium">Signing certificates</h3>
          {expiring ? (
            <Alert tone="error">
              {expiring === idp.certificates.length ? "Every" : "A"} signing certificate is expired, unreadable or expires within {EXPIRY_WARNING_DAYS} days. Once the identity provider signs with a new one,
              paste its metadata again (Settings below).
            </Alert>
          ) : null}
          <ol className="space-y-3">
            {idp.certificates.map((summary, i) => (
              <li key={summary?.sha256Fingerprint ?? i}>
                <Certificate summary={summary} now={now} />
              </li>
            ))}
          </ol>
        </div>
      </Section>
    </>
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
  const now = new Date();
  const saml = samlConnectionDetails(c, { publicUrl: config().publicUrl, now });
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
          <Alert tone="success">
            {c.name} was added.{" "}
            {saml
              ? "Enter Portico's entity ID, Assertion Consumer Service URL and certificate below at the identity provider, then choose the applications that offer it."
              : "Register the callback URL below at the provider, then choose the applications that offer it."}
          </Alert>
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

      {saml ? (
        <SamlSides c={c} details={saml} now={now} />
      ) : c.protocol === "saml" ? null : (
        <Section id="callback" title="Callback URL">
          <div className="max-w-2xl space-y-2">
            <CopyableValue label="Register this redirect URI at the provider" value={callbackUrl} id="callback-url" />
            <p className="text-sm text-slate-600 dark:text-slate-400">
              {c.preset ? PRESETS[c.preset].setup : "Register it as the redirect URI (callback) of Portico's client at the provider: the authorization code comes back there."}
            </p>
            {c.settings?.protocol === "oidc" && c.settings.signOutUpstream ? (
              <CopyableValue label="Register this post-logout redirect URI at the provider" value={`${config().publicUrl}${signedOutPath(c.slug)}`} id="signed-out-url" />
            ) : null}
          </div>
        </Section>
      )}

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
