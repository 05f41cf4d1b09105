import { redirect } from "next/navigation";
import { consoleHomeFor } from "@/components/admin/console-nav";
import { requireAdmin } from "@/lib/http";
import { hasPermission } from "@/lib/users";

// The console's front door: the first section of the navigation this administrator's roles open
// (the user list for most).
export default async function AdminPage() {
  const session = await requireAdmin("/admin");
  redirect(consoleHomeFor((p) => hasPermission(session.user, p)) ?? "/account");
}
