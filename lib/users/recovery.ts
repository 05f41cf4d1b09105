// Email verification, password reset and unlock links: all single use, all expiring, all audited.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { evaluatePassword, hashPassword } from "@/lib/credentials";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { giveRegistrationConsents } from "@/lib/consents";
import { accountKey, consumeLimit } from "@/lib/ratelimit";
import { removeSignInMethods, signInMethodsOf, spendRecoveryCodeInRecovery } from "@/lib/factors";
import { UserError } from "./users.errors";
import { NO_PENDING_CONSENTS, findUserByEmail, findUserById, takePendingConsents, updateUser, withTransaction, type Tx } from "./users.repo";
import { enqueueAccountJob, type AccountJob } from "./account-jobs";
import { issueUserToken, peekToken, redeemToken, retireTokens } from "./user-tokens";
import { publicLink } from "./links";
import { unlockUser } from "./login";
import { reviewSignInMethods, type MethodReview } from "./factor-review";

const INVALID_LINK = "This link is invalid or has expired. Request a new one.";
const INVALID_RECOVERY_CODE =
  "To remove your other sign-in methods, enter one of your unused recovery codes. Lost them too? Leave the box unticked, or ask support to reset your sign-in methods.";
const RECOVERY_CODE_GUESSES_PER_USER = { keyPrefix: "reset-recovery-code", points: 5, durationSeconds: 15 * 60 };
const RESET_REQUESTS_PER_EMAIL = { keyPrefix: "reset-email", points: 3, durationSeconds: 15 * 60 };
const RESET_REQUESTS_PER_IP = { keyPrefix: "reset-ip", points: 30, durationSeconds: 15 * 60 };
const VERIFY_RESENDS_PER_USER = { keyPrefix: "verify-resend", points: 3, durationSeconds: 15 * 60 };

export async function verifyEmail(token: string, ctx: RequestContext): Promise<{ userId: string; email: string }> {
  const result = await withTransaction(async (tx) => {
    const t = await redeemToken(token, "verify_email", { tx });
    if (!t) return null;
    const user = await findUserById(t.userId, tx);
    // The link verifies the address it was sent to; after an email change an old link is worthless.
    if (!user || user.email !== t.email) return null;
    await updateUser(user.id, { emailVerifiedAt: new Date() }, tx);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "user.email_verified", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { email: user.email } }, tx);
    await emitIdentityEvent({ type: "user.email_verified", userId: user.id, data: {} }, tx);
    // The purposes ticked on the registration form, given now that the mailbox's owner confirmed
    // it, dated when the form was sent: a signed receipt each (lib/consents).
    const pending = await takePendingConsents(user.id, tx);
    if (pending) await giveRegistrationConsents(user.id, pending.consents, { context: ctx, now: new Date(pending.at) }, tx);
    return { userId: user.id, email: user.email };
  });
  if (!result) throw new UserError("invalid_token", INVALID_LINK);
  kickOutbox(); // the consents' identity events
  return result;
}

/** Resends the verification link; throttled per user so it cannot be used to flood an inbox. */
export async function resendVerification(userId: string, ctx: RequestContext): Promise<void> {
  const wait = await consumeLimit(VERIFY_RESENDS_PER_USER, userId);
  if (wait) throw new UserError("rate_limited", `You can request another email in ${Math.ceil(wait / 60)} minutes.`, { retryAfterSeconds: wait });
  const user = await findUserById(userId);
  if (!user || user.emailVerifiedAt) return;
  await withTransaction(async (tx) => {
    const token = await issueUserToken(user.id, "verify_email", { email: user.email, tx });
    await enqueueMail({ to: user.email, template: "verify-email", data: { link: publicLink("/verify-email", { token }), name: user.displayName ?? undefined } }, tx);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "user.verification_resent", target: { type: "user", id: user.id }, result: "success", context: ctx }, tx);
  });
  kickOutbox();
}

/**
 * Always answers the same way, and does the same work whatever the address: the throttles, then one
 * queued job (account-jobs.ts). Whether an account exists is looked at only by the worker
 * (mailPasswordReset), after the response, so neither the answer nor its time tells.
 */
export async function requestPasswordReset(email: string, ctx: RequestContext): Promise<void> {
  const waitIp = ctx.ip ? await consumeLimit(RESET_REQUESTS_PER_IP, ctx.ip) : 0;
  if (waitIp) throw new UserError("rate_limited", "Too many requests from your network. Try again later.", { retryAfterSeconds: waitIp });
  // Past the per-address limit the request is dropped silently (saying so would reveal the account),
  // but it is still queued, so a throttled request costs what any other does; the worker records it.
  const waitEmail = await consumeLimit(RESET_REQUESTS_PER_EMAIL, accountKey(email)); // keyed hash: no addresses in the store
  await enqueueAccountJob("password_reset", email, { throttled: waitEmail > 0 }, ctx);
}

/** The worker's half of a reset request: a link goes out only when the account exists and may have one. */
export async function mailPasswordReset(job: AccountJob<"password_reset">, tx: Tx): Promise<void> {
  const user = await findUserByEmail(job.email, tx);
  if (!user || user.disabledAt || job.payload.throttled) {
    const reason = !user ? "unknown_email" : job.payload.throttled ? "throttled" : "disabled";
    await recordAudit({ actor: { type: "anonymous" }, action: "password.reset_requested", target: user ? { type: "user", id: user.id } : { type: "email", id: job.email }, result: "failure", context: job.context, details: { reason } }, tx);
    return;
  }
  const token = await issueUserToken(user.id, "reset_password", { tx });
  await enqueueMail({ to: user.email, template: "reset-password", data: { link: publicLink("/reset-password", { token }), name: user.displayName ?? undefined } }, tx);
  await recordAudit({ actor: { type: "anonymous" }, action: "password.reset_requested", target: { type: "user", id: user.id }, result: "success", context: job.context }, tx);
}

export interface RecoveryPreview {
  recent: { id: string; label: string; createdAt: Date }[];
  others: { id: string; label: string; createdAt: Date }[];
  recentSince: Date;
}

/** What the reset page shows before the change: the sign-in methods the reset removes, and the others. Null for a dead link. */
export async function previewRecovery(token: string, now = new Date()): Promise<RecoveryPreview | null> {
  const pending = await peekToken(token, "reset_password");
  const user = pending ? await findUserById(pending.userId) : null;
  if (!user) return null;
  const review = reviewSignInMethods(await signInMethodsOf(user.id), user, now);
  const view = (list: MethodReview["recent"]) => list.map((m) => ({ id: m.id, label: m.label, createdAt: m.createdAt }));
  return { recent: view(review.recent), others: view(review.others), recentSince: review.recentSince };
}

/**
 * Sets a new password from a reset link and lifts any lock. The link
 * proves the mailbox: the address counts as verified from now on, and the sign-in methods added
 * recently (lib/users/factor-review.ts) are removed. Removing the older ones too ("remove all")
 * also needs one of the account's recovery codes: the mailbox alone must not strip a long-standing
 * passkey or authenticator app (after which an emailed code would open the account). The caller
 * signs the account out everywhere (sessions, trusted browsers, every grant: lib/sign-in).
 */
export async function resetPassword(
  token: string,
  password: string,
  ctx: RequestContext,
  opts: { removeAllMethods?: boolean; recoveryCode?: string } = {},
): Promise<{ userId: string; methodsRemoved: string[] }> {
  // Check the policy before redeeming, so a rejected password does not burn the link.
  const pending = await peekToken(token, "reset_password");
  const preview = pending ? await findUserById(pending.userId) : null;
  if (!preview) throw new UserError("invalid_token", INVALID_LINK);
  const evaluation = evaluatePassword(password, { email: preview.email, displayName: preview.displayName ?? undefined, singleFactor: true });
  if (evaluation.issues.length) {
    throw new UserError("password_policy", evaluation.issues[0]!.message, { field: "password", issues: evaluation.issues.map((i) => i.message) });
  }
  // A wrong recovery code keeps the link alive (nothing changes), so guesses are limited per account.
  const resetFailed = (reason: string) =>
    recordAudit({ actor: { type: "user", id: preview.id }, action: "password.reset", target: { type: "user", id: preview.id }, result: "failure", context: ctx, details: { reason } });
  if (opts.removeAllMethods && opts.recoveryCode) {
    const wait = await consumeLimit(RECOVERY_CODE_GUESSES_PER_USER, preview.id);
    if (wait > 0) {
      await resetFailed("recovery_code_rate_limited");
      throw new UserError("rate_limited", `Too many recovery codes tried. Wait ${Math.ceil(wait / 60)} minutes and try again.`, { field: "recoveryCode", retryAfterSeconds: wait });
    }
  }
  const passwordHash = await hashPassword(password);
  const done = await withTransaction(async (tx) => {
    const t = await redeemToken(token, "reset_password", { tx });
    if (!t) return null;
    const u = await findUserById(t.userId, tx);
    if (!u) return null;
    const now = new Date();
    const methods = await signInMethodsOf(u.id, tx);
    const review = reviewSignInMethods(methods, u, now);
    const removeOlder = opts.removeAllMethods && review.others.length > 0;
    // Thrown inside the transaction: the link stays unspent and nothing changes.
    if (removeOlder && !(await spendRecoveryCodeInRecovery(u.id, opts.recoveryCode, tx, now))) {
      throw new UserError("invalid_recovery_code", INVALID_RECOVERY_CODE, { field: "recoveryCode" });
    }
    const toRemove = removeOlder ? methods : review.recent;
    const methodsRemoved = await removeSignInMethods(u, toRemove, "password_reset", ctx, tx);
    // A reset proves the mailbox, not who ticked the registration form's purposes: those are dropped.
    await updateUser(u.id, { passwordHash, passwordChangedAt: now, passwordResetRequiredAt: null, ...(u.emailVerifiedAt ? {} : { emailVerifiedAt: now, pendingConsents: NO_PENDING_CONSENTS }) }, tx);
    // A pending email change may be the intruder's way to keep the account: it goes too.
    await retireTokens(u.id, "change_email", { tx, now });
    await enqueueMail({ to: u.email, template: "password-changed", data: { name: u.displayName ?? undefined, resetLink: publicLink("/forgot-password") } }, tx);
    await recordAudit({ actor: { type: "user", id: u.id }, action: "password.reset", target: { type: "user", id: u.id }, result: "success", context: ctx, details: { methodsRemoved: methodsRemoved.length } }, tx);
    await emitIdentityEvent({ type: "user.password_changed", userId: u.id, data: { method: "reset" } }, tx);
    // The link was mailed to the address: following it proves it.
    if (!u.emailVerifiedAt) await emitIdentityEvent({ type: "user.email_verified", userId: u.id, data: {} }, tx);
    return { user: u, methodsRemoved };
  }).catch(async (e: unknown) => {
    if (e instanceof UserError && e.code === "invalid_recovery_code") await resetFailed(e.code);
    throw e;
  });
  if (!done) throw new UserError("invalid_token", INVALID_LINK);
  kickOutbox();
  await unlockUser(done.user, ctx, "password_reset");
  return { userId: done.user.id, methodsRemoved: done.methodsRemoved };
}

export async function unlockWithToken(token: string, ctx: RequestContext): Promise<void> {
  const t = await redeemToken(token, "unlock");
  const user = t ? await findUserById(t.userId) : null;
  if (!user) throw new UserError("invalid_token", INVALID_LINK);
  await unlockUser(user, ctx, "email_link");
}
