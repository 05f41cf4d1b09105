// Account recovery across domains: lib/users changes the account (new password, lock, reverted
// email), then the account is signed out everywhere (sign-out-everywhere.ts). The account change
// commits first: a sign-out that fails is reported to the caller, and the same link cannot be
// replayed, but a password reset (which always signs out everywhere) remains the way back.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { cancelEmailChange, reportNotMe, resetPassword, type CancelOutcome } from "@/lib/users";
import { signOutEverywhere } from "./sign-out-everywhere";

/** A new password from a reset link: whoever knew the old one is signed out of everything. */
export async function completePasswordReset(token: string, password: string, opts: { removeAllMethods?: boolean; recoveryCode?: string }, ctx: RequestContext): Promise<{ userId: string; methodsRemoved: string[] }> {
  const done = await resetPassword(token, password, ctx, opts);
  await signOutEverywhere(done.userId, "password_reset", ctx);
  return done;
}

/** The owner says a sign-in was not theirs: the account is secured (lib/users) and signed out everywhere. */
export async function secureAccountNotMe(token: string, ctx: RequestContext): Promise<{ userId: string; methodsRemoved: string[] }> {
  const done = await reportNotMe(token, ctx);
  await signOutEverywhere(done.userId, "reported_not_me", ctx);
  return done;
}

/**
 * The old address's link after an email change. Switching back treats the change as an intrusion:
 * besides the account being secured (lib/users/eviction.ts), it is signed out everywhere.
 */
export async function cancelOrRevertEmailChange(token: string, ctx: RequestContext): Promise<CancelOutcome> {
  const done = await cancelEmailChange(token, ctx);
  if (done.outcome === "reverted") await signOutEverywhere(done.userId, "email_change_reverted", ctx);
  return done;
}
