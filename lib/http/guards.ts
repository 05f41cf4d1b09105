// Page guards: a signed-in customer, or an administrator. The domain functions check roles again.
import "server-only";
import { forbidden, redirect } from "next/navigation";
import { isAdmin } from "@/lib/users";
import type { ActiveSession } from "@/lib/sessions";
import { currentSession } from "./session-cookie";
import { safeNextPath } from "./safe-redirect";

export async function requireSession(returnTo: string): Promise<ActiveSession> {
  const session = await currentSession();
  if (!session) redirect(`/login?next=${encodeURIComponent(safeNextPath(returnTo))}`);
  return session;
}

export async function requireAdmin(returnTo: string): Promise<ActiveSession> {
  const session = await requireSession(returnTo);
  if (!isAdmin({ id: session.user.id, roles: session.user.roles })) forbidden();
  return session;
}
