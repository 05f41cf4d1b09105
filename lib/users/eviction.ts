// When someone else may be in the account ("this wasn't me", an email change switched back by the
// old address): lock it until a password reset, remove the sign-in methods added recently
// (lib/users/factor-review.ts), void a pending email change, and mail a reset link, the only way
// back in. Whoever got in may know the password, so anything less lets them sign in again. The
// caller then signs the account out everywhere (lib/sign-in: sessions, trusted browsers, grants).
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import type { RequestContext } from "@/lib/audit";
import { enqueueMail } from "@/lib/mail";
import { removeSignInMethods, signInMethodsOf } from "@/lib/factors";
import { publicLink } from "./links";
import { issueUserToken, retireTokens } from "./user-tokens";
import { updateUser, type Tx, type UserRecord } from "./users.repo";
import { reviewSignInMethods } from "./factor-review";

/** Locked "until further notice": only a password reset (which lifts locks) opens the account again. */
const UNTIL_PASSWORD_RESET_MS = 10 * 365 * 24 * 3600_000;

export interface Eviction {
  methodsRemoved: string[];
}

/**
 * `user` as it is now (the reset link goes to `user.email`). `verifiedBaseline`: the verification
 * date the recent-methods review judges by, when the stored one says nothing about the intrusion.
 */
export async function evictIntruder(user: UserRecord, reason: string, ctx: RequestContext, tx: Tx, now: Date, verifiedBaseline: { emailVerifiedAt: Date | null } = user): Promise<Eviction> {
  const lockedUntil = new Date(now.getTime() + UNTIL_PASSWORD_RESET_MS);
  await updateUser(user.id, { lockedUntil }, tx);
  await emitIdentityEvent({ type: "user.locked", userId: user.id, data: { reason, until: lockedUntil.toISOString() } }, tx);
  const methodsRemoved = await removeSignInMethods(user, reviewSignInMethods(await signInMethodsOf(user.id, tx), verifiedBaseline, now).recent, reason, ctx, tx);
  await retireTokens(user.id, "change_email", { now, tx });
  const reset = await issueUserToken(user.id, "reset_password", { tx });
  await enqueueMail({ to: user.email, template: "reset-password", data: { link: publicLink("/reset-password", { token: reset }), name: user.displayName ?? undefined } }, tx);
  return { methodsRemoved };
}
