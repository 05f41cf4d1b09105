// The applications a customer allowed to use their account, each with "Remove access" (withdraws
// the consent and revokes every grant it holds): /account/apps and /account/sessions show the same list.
import type { ConnectedApplication } from "@/lib/oidc";
import { surface } from "@/components/ui/styles";

export function ConnectedApps({ apps, removeAction, headingLevel = 2 }: { apps: ConnectedApplication[]; removeAction: (form: FormData) => Promise<void>; headingLevel?: 2 | 3 }) {
  if (apps.length === 0) {
    return (
      <p className="mt-4 text-slate-600 dark:text-slate-400" data-testid="no-apps">
        No application has access to your account.
      </p>
    );
  }
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <ul className="mt-4 space-y-4" data-testid="connected-apps">
      {apps.map((app) => (
        <li key={app.clientId} className={`${surface} p-5`}>
          <div className="flex flex-wrap items-start justify-between gap-4">
            <div>
              <Heading className="font-semibold">{app.name}</Heading>
              <p className="text-xs text-slate-500">
                Allowed <time dateTime={app.allowedAt.toISOString()}>{app.allowedAt.toUTCString()}</time>
              </p>
              <ul className="mt-2 list-inside list-disc text-sm text-slate-700 dark:text-slate-300">
                {app.permissions.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
            <form action={removeAction}>
              <input type="hidden" name="client" value={app.clientId} />
              <button type="submit" className="rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-red-300 hover:bg-red-50 dark:text-red-400 dark:ring-red-800 dark:hover:bg-red-950" aria-label={`Remove access for ${app.name}`}>
                Remove access
              </button>
            </form>
          </div>
        </li>
      ))}
    </ul>
  );
}
