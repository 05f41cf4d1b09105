import type { Metadata } from "next";
import { requireSession } from "@/lib/http";
import { connectedApplications } from "@/lib/oidc";
import { ConnectedApps } from "@/components/portal/connected-apps";
import { withdrawAccessAction } from "./actions";

export const metadata: Metadata = { title: "Connected applications" };

export default async function ConnectedAppsPage() {
  const { user } = await requireSession("/account/apps");
  const apps = await connectedApplications(user.id);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Connected applications</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">Applications you allowed to use your account. Removing access signs it out of your account and it will ask again next time.</p>
      <div className="mt-4">
        <ConnectedApps apps={apps} removeAction={withdrawAccessAction} />
      </div>
    </>
  );
}
