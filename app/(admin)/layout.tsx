import type { ReactNode } from "react";
import { AdminShell } from "@/components/admin/admin-shell";
import { shellSession } from "@/lib/http";
import { logoutAction } from "@/app/(auth)/logout/actions";

/**
 * The console's shell, rendered once for every page of the console. Only an administrator who
 * meets the console's bar sees it; anyone else gets the page alone, whose guard (requireAdmin)
 * refuses or redirects with its own return path (layouts are not re-run on every navigation:
 * pages and actions check).
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await shellSession("admin");
  if (!session) return children;
  return (
    <AdminShell actor={{ id: session.user.id, roles: session.user.roles }} email={session.user.email} signOut={logoutAction}>
      {children}
    </AdminShell>
  );
}
