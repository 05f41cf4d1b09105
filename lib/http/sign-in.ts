// The last step of every sign-in, whatever its factors: a new session id (no fixation), the
// browser's previous session ended (its applications hear so over the back channel), the cookie set.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { endUserSession } from "@/lib/oidc";
import { createSession } from "@/lib/sessions";
import { sessionTokenFromCookie, setSessionCookie } from "./session-cookie";

export async function startPortalSession(userId: string, ctx: RequestContext, amr: string[]): Promise<void> {
  const previous = await sessionTokenFromCookie();
  if (previous) await endUserSession(previous, ctx);
  const session = await createSession(userId, ctx, undefined, { amr });
  await setSessionCookie({ token: session.token, userId, expiresAt: session.expiresAt });
}
