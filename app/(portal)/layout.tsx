import type { ReactNode } from "react";
import { PortalShell } from "@/components/portal/portal-shell";
import { shellSession } from "@/lib/http";
import { isConsoleUser } from "@/lib/users";
import { logoutAction } from "@/app/(auth)/logout/actions";

/**
 * The customer's shell, rendered once for every page of the portal. Only a signed-in customer sees
 * it; without a session the page alone renders, and its guard sends the browser to sign in with the
 * page's own return path (layouts are not re-run on every navigation: pages and actions check).
 */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const session = await shellSession("portal");
  if (!session) return children;
  return (
    <PortalShell email={session.user.email} isConsoleUser={isConsoleUser(session.user)} signOut={logoutAction}>
      {children}
    </PortalShell>
  );
}
