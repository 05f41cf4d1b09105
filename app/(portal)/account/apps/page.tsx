import type { Metadata } from "next";
import { requireSession } from "@/lib/http";
import { findClientByClientId } from "@/lib/applications";
import { listConsents, SCOPE_DESCRIPTIONS, isKnownScope } from "@/lib/oidc";
import { withdrawAccessAction } from "./actions";
import { surface } from "@/components/ui/styles";

export const metadata: Metadata = { title: "Connected applications" };

export default async function ConnectedAppsPage() {
  const session = await requireSession("/account/apps");
  const { user } = session;
  const consents = await listConsents(user.id);
  const apps = await Promise.all(consents.map(async (c) => ({ consent: c, client: await findClientByClientId(c.clientId) })));
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Connected applications</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">Applications you allowed to use your account. Removing access signs it out of your account and it will ask again next time.</p>
      {apps.length === 0 ? (
        <p className="mt-8 text-slate-600 dark:text-slate-400" data-testid="no-apps">No application has access to your account.</p>
      ) : (
        <ul className="mt-8 space-y-4" data-testid="connected-apps">
          {apps.map(({ consent, client }) => (
            <li key={consent.id} className={`${surface} p-5`}>
              <div className="flex flex-wrap items-start justify-between gap-4">
                <div>
                  <h2 className="font-semibold">{client?.name ?? consent.clientId}</h2>
                  <p className="text-xs text-slate-500">
                    Allowed <time dateTime={consent.updatedAt.toISOString()}>{consent.updatedAt.toUTCString()}</time>
                  </p>
                  <ul className="mt-2 list-inside list-disc text-sm text-slate-700 dark:text-slate-300">
                    {consent.scopes.map((s) => (
                      <li key={s}>{isKnownScope(s) ? SCOPE_DESCRIPTIONS[s] : s}</li>
                    ))}
                  </ul>
                </div>
                <form action={withdrawAccessAction}>
                  <input type="hidden" name="client" value={consent.clientId} />
                  <button type="submit" className="rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-red-300 hover:bg-red-50 dark:text-red-400 dark:ring-red-800 dark:hover:bg-red-950">
                    Remove access
                  </button>
                </form>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
