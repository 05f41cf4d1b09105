import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/http";
import { hasPermission, type Permission } from "@/lib/users";

// The console's front door: the user list, or for a role that cannot read users, its first page it may open.
const LANDING: readonly [Permission, string][] = [
  ["users:read", "/admin/users"],
  ["applications:read", "/admin/applications"],
  ["risk:read", "/admin/risk"],
  ["keys:read", "/admin/keys"],
  ["attributes:read", "/admin/attributes"],
  ["consents:read", "/admin/purposes"],
  ["topics:read", "/admin/preferences"],
  ["legal:read", "/admin/legal"],
];

export default async function AdminPage() {
  const session = await requireAdmin("/admin");
  const landing = LANDING.find(([permission]) => hasPermission(session.user, permission));
  redirect(landing ? landing[1] : "/admin/users");
}
