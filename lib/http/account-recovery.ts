// Account recovery across domains: the users domain changes the account (lib/users), then the
// applications are cut off (lib/oidc). Kept out of the server actions so tests can drive it.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { cancelEmailChange, resetPassword, type CancelOutcome } from "@/lib/users";
import { cutOffApplications } from "@/lib/oidc";

/**
 * A password reset ends every session; the applications hear so (back-channel logout) and lose
 * every grant, offline_access included: whoever knew the old password may hold a refresh token.
 */
export async function completePasswordReset(token: string, password: string, opts: { removeAllMethods?: boolean; recoveryCode?: string }, ctx: RequestContext): Promise<{ userId: string; methodsRemoved: string[] }> {
  const done = await resetPassword(token, password, ctx, opts);
  await cutOffApplications(done.userId, "password_reset", ctx);
  return done;
}

/**
 * The old address's link after an email change. Switching back treats the change as an intrusion:
 * besides the account being secured (lib/users/eviction.ts), the applications lose every grant.
 */
export async function cancelOrRevertEmailChange(token: string, ctx: RequestContext): Promise<CancelOutcome> {
  const done = await cancelEmailChange(token, ctx);
  if (done.outcome === "reverted") await cutOffApplications(done.userId, "email_change_reverted", ctx);
  return done;
}
