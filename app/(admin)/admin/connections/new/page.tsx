import type { Metadata } from "next";
import Link from "next/link";
import { ConnectionForm } from "@/components/admin/connection-forms";
import { secondaryButton, surface } from "@/components/ui/styles";
import { config } from "@/lib/config";
import { requireAdmin } from "@/lib/http";
import { PRESETS } from "@/lib/federation/connection.schema";
import { CONNECTION_KINDS, connectionFormDefaults, isConnectionKind } from "@/lib/federation/connection-form.schema";
import { createConnectionAction } from "../actions";

export const metadata: Metadata = { title: "Add a connection" };

const GENERIC = { oidc: "an OpenID Connect provider", oauth2: "an OAuth 2.0 provider", saml: "a SAML 2.0 identity provider" } as const;
const GENERIC_SETUP = {
  oidc: "Register Portico as a web application (confidential client, authorization code flow) at the provider, with the callback URL below as its redirect URI; then enter what it gives you.",
  oauth2: "Register Portico as a web application (confidential client, authorization code flow) at the provider, with the callback URL below as its redirect URI; then enter what it gives you.",
  saml: "Register Portico at the identity provider as a SAML service provider (an enterprise application) with the entity ID and Assertion Consumer Service URL below, then paste the identity provider's metadata XML. Portico makes a key for the connection: its certificate is on the connection's page once added.",
} as const;

export default async function NewConnectionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("/admin/connections/new", { permission: "connections:write" });
  const kind = (await searchParams).preset;
  const back = (
    <Link href="/admin/connections" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
      ← Connections
    </Link>
  );
  if (!isConnectionKind(kind)) {
    return (
      <>
        {back}
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Add a connection</h1>
        <ul className="mt-6 flex flex-wrap gap-2">
          {CONNECTION_KINDS.map((k) => (
            <li key={k.kind}>
              <Link href={`/admin/connections/new?preset=${k.kind}`} className={`${secondaryButton} inline-block`}>
                {k.label}
              </Link>
            </li>
          ))}
        </ul>
      </>
    );
  }
  const preset = kind === "oidc" || kind === "oauth2" || kind === "saml" ? null : PRESETS[kind];
  return (
    <>
      {back}
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Add {preset ? preset.label : GENERIC[kind as keyof typeof GENERIC]}</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">{preset ? preset.setup : GENERIC_SETUP[kind as keyof typeof GENERIC_SETUP]}</p>
      <section className={`${surface} mt-6 p-6`} aria-label="Connection settings">
        <ConnectionForm action={createConnectionAction} initial={connectionFormDefaults(kind)} publicUrl={config().publicUrl} />
      </section>
    </>
  );
}
