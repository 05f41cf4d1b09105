import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { CreateInitialAccessTokenForm, RevokeInitialAccessTokenForm } from "@/components/admin/initial-access-tokens";
import { requireAdmin } from "@/lib/http";
import { hasTenantWidePermission } from "@/lib/users";
import { listApplications, listInitialAccessTokens } from "@/lib/applications";
import { config } from "@/lib/config";
import { createInitialAccessTokenAction, revokeInitialAccessTokenAction } from "./actions";
import { tableFrame } from "@/components/ui/styles";
import { isoDay } from "@/lib/formats";

export const metadata: Metadata = { title: "Applications" };

function tokenStatus(t: { expiresAt: Date; revokedAt: Date | null; multiUse: boolean; usedAt: Date | null }, now: Date): string {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt <= now) return "expired";
  if (!t.multiUse && t.usedAt) return `used ${t.usedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `${t.multiUse ? "multi-use" : "single use"}, valid until ${t.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const tokenUsable = (t: { expiresAt: Date; revokedAt: Date | null; multiUse: boolean; usedAt: Date | null }, now: Date) => !t.revokedAt && t.expiresAt > now && (t.multiUse || !t.usedAt);

export default async function ApplicationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin("/admin/applications", { permission: "applications:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  // An application administrator sees the applications they hold; creating one, and registration tokens, are tenant-wide.
  const tenantWide = hasTenantWidePermission(actor, "applications:write");
  const [applications, tokens, params] = await Promise.all([listApplications(actor), tenantWide ? listInitialAccessTokens(actor) : [], searchParams]);
  const now = new Date();
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Applications</h1>
        {tenantWide ? (
          <Link href="/admin/applications/new" className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
            New application
          </Link>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">The OAuth 2.0 and OpenID Connect clients that may sign people in with Portico.</p>
      {params.deleted === "1" ? (
        <div className="mt-4">
          <Alert tone="success">The application was deleted.</Alert>
        </div>
      ) : null}

      <div className={`mt-6 ${tableFrame}`}>
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Applications</caption>
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Name</th>
              <th scope="col" className="px-4 py-2 font-medium">Client ID</th>
              <th scope="col" className="px-4 py-2 font-medium">Type</th>
              <th scope="col" className="px-4 py-2 font-medium">Status</th>
            </tr>
          </thead>
          <tbody>
            {applications.map((a) => (
              <tr key={a.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <td className="px-4 py-2 font-medium">
                  <Link href={`/admin/applications/${a.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                    {a.name}
                  </Link>
                </td>
                <td className="px-4 py-2 font-mono text-xs">{a.clientId}</td>
                <td className="px-4 py-2">
                  {a.type}
                  {a.firstParty ? ", first-party" : ""}
                  {a.createdVia === "dynamic" ? ", registered dynamically" : ""}
                </td>
                <td className="px-4 py-2">{a.disabled ? <span className="font-medium text-red-700 dark:text-red-300">disabled</span> : "enabled"}</td>
              </tr>
            ))}
            {applications.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-4 py-6 text-center text-slate-500">
                  No applications yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      {tenantWide ? (
      <section aria-labelledby="dynamic-registration" className="mt-12">
        <h2 id="dynamic-registration" className="text-lg font-semibold">Dynamic client registration</h2>
        <p className="mb-4 mt-1 text-sm text-slate-600 dark:text-slate-400">
          Applications can register themselves (RFC 7591) with an initial access token. Registered applications always ask people for consent.
        </p>
        <CreateInitialAccessTokenForm action={createInitialAccessTokenAction} registrationEndpoint={`${config().publicUrl}/oauth2/register`} />
        {tokens.length ? (
          <div className={`mt-6 ${tableFrame}`}>
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">Initial access tokens</caption>
              <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">Label</th>
                  <th scope="col" className="px-4 py-2 font-medium">Created</th>
                  <th scope="col" className="px-4 py-2 font-medium">Status</th>
                  <th scope="col" className="px-4 py-2 font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                    <td className="px-4 py-2 font-medium">{t.label}</td>
                    <td className="px-4 py-2">{isoDay(t.createdAt)}</td>
                    <td className="px-4 py-2">{tokenStatus(t, now)}</td>
                    <td className="px-4 py-2 text-right">
                      {tokenUsable(t, now) ? <RevokeInitialAccessTokenForm action={revokeInitialAccessTokenAction} tokenId={t.id} label={t.label} /> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      ) : null}
    </>
  );
}
