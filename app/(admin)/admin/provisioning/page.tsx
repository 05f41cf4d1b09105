import type { Metadata } from "next";
import Link from "next/link";
import { CreateProvisioningTokenForm, RevokeProvisioningTokenForm } from "@/components/admin/provisioning-tokens";
import { CopyableValue } from "@/components/admin/secret-box";
import { requireAdmin } from "@/lib/http";
import { hasPermission } from "@/lib/users";
import { listProvisioningTokens, type ProvisioningTokenRow } from "@/lib/provisioning";
import { config } from "@/lib/config";
import { isoDay } from "@/lib/formats";
import { createProvisioningTokenAction, revokeProvisioningTokenAction } from "./actions";
import { tableFrame } from "@/components/ui/styles";

export const metadata: Metadata = { title: "Provisioning" };

type Status = "active" | "expired" | "revoked";

function statusOf(t: ProvisioningTokenRow, now: Date): Status {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt <= now) return "expired";
  return "active";
}

const scopesText = (scopes: string[]) => (scopes.includes("scim:write") ? "read and write" : "read");

const minute = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "never");

export default async function ProvisioningPage() {
  const session = await requireAdmin("/admin/provisioning", { permission: "provisioning:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const mayWrite = hasPermission(actor, "provisioning:write");
  const tokens = await listProvisioningTokens(actor);
  const scimBaseUrl = `${config().publicUrl}/scim/v2`;
  const now = new Date();
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Provisioning</h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        Provisioning systems such as Entra ID or Okta create, update and remove users and groups here through SCIM 2.0. Give the system the base URL and a token.
      </p>

      <div className="mt-6 max-w-2xl">
        <CopyableValue label="SCIM base URL" value={scimBaseUrl} id="scim-base-url" />
      </div>

      <p className="mt-6 max-w-2xl text-sm">
        Portico can also push its customers out to other services through SCIM:{" "}
        <Link href="/admin/provisioning/targets" className="text-indigo-600 hover:underline dark:text-indigo-400">
          provisioning targets
        </Link>
        .
      </p>

      {mayWrite ? (
        <section aria-labelledby="new-token" className="mt-10">
          <h2 id="new-token" className="mb-4 text-lg font-semibold">New token</h2>
          <CreateProvisioningTokenForm action={createProvisioningTokenAction} scimBaseUrl={scimBaseUrl} />
        </section>
      ) : null}

      <section aria-labelledby="tokens" className="mt-10">
        <h2 id="tokens" className="text-lg font-semibold">Tokens</h2>
        <div className={`mt-4 ${tableFrame}`}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Provisioning tokens, newest first</caption>
            <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Name</th>
                <th scope="col" className="px-4 py-2 font-medium">Scopes</th>
                <th scope="col" className="px-4 py-2 font-medium">Created</th>
                <th scope="col" className="px-4 py-2 font-medium">Expires</th>
                <th scope="col" className="px-4 py-2 font-medium">Last used</th>
                <th scope="col" className="px-4 py-2 font-medium">Status</th>
                {mayWrite ? (
                  <th scope="col" className="px-4 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => {
                const status = statusOf(t, now);
                return (
                  <tr key={t.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                    <td className="px-4 py-2 font-medium">{t.name}</td>
                    <td className="px-4 py-2">{scopesText(t.scopes)}</td>
                    <td className="px-4 py-2">{isoDay(t.createdAt)}</td>
                    <td className="px-4 py-2">{isoDay(t.expiresAt)}</td>
                    <td className="px-4 py-2">{minute(t.lastUsedAt)}</td>
                    <td className="px-4 py-2">{status === "active" ? "active" : <span className="text-slate-500">{status}</span>}</td>
                    {mayWrite ? (
                      <td className="px-4 py-2 text-right">{status === "active" ? <RevokeProvisioningTokenForm action={revokeProvisioningTokenAction} tokenId={t.id} name={t.name} /> : null}</td>
                    ) : null}
                  </tr>
                );
              })}
              {tokens.length === 0 ? (
                <tr>
                  <td colSpan={mayWrite ? 7 : 6} className="px-4 py-6 text-center text-slate-500">
                    No tokens yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
