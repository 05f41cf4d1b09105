// Account recovery across domains: lib/users changes the account (new password, lock, reverted
// email), then the account is signed out everywhere (sign-out-everywhere.ts). The account change
// commits first: a sign-out that fails is reported to the caller, and the same link cannot be
// replayed, but a password reset (which always signs out everywhere) remains the way back.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { getActivityEntry } from "@/lib/activity";
import { cancelEmailChange, reportActivityNotMe, reportNotMe, resetPassword, UserError, type CancelOutcome } from "@/lib/users";
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
 * The signed-in owner says an entry of their activity was not them: the same as the mail's link
 * (locked, recent methods removed, a reset link mailed, signed out everywhere, this browser too:
 * whoever else is in may be the one holding it). Only an entry of their own history can be reported.
 */
export async function secureAccountFromActivity(userId: string, eventId: string, ctx: RequestContext): Promise<{ userId: string; methodsRemoved: string[] }> {
  const entry = await getActivityEntry({ id: userId, roles: [] }, userId, eventId);
  if (!entry) throw new UserError("not_found", "This activity is not in your account's history.");
  const done = await reportActivityNotMe(userId, entry.id, ctx);
  await signOutEverywhere(userId, "reported_not_me", ctx);
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
