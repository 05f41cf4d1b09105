// Changing the sign-in email. Nothing changes until the new mailbox proves it is reachable and
// wanted: the request (re-authenticated with the password) only stores a pending change, a
// "change_email" link to the new address whose row carries that address. The old address is told
// at once, with a link that cancels the pending change, or, once the change has happened, switches
// the account back within TOKEN_LIFETIME_SECONDS.cancel_email_change and secures it (someone who
// knows the password moved the account to a mailbox they hold: eviction.ts). Meanwhile the old
// address stays held for it (addressHeldForSwitchBack): nobody can register it or move to it to
// block the way back. A taken address gets the same answer as a free one, at the request and at
// confirmation (no enumeration).
//
// Why a token and not a pending column on User: the pending change needs exactly what a mailed
// link already has (an address, a secret only the new mailbox holds, an expiry, single use,
// superseded by the next request), and the old address's way back is a link of its own, one per
// change, so several can be alive at once.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { INVALID_CREDENTIALS_MESSAGE, UserError } from "./users.errors";
import { findUserByEmail, findUserById, isUniqueViolation, updateUser, withTransaction, type Tx, type UserRecord } from "./users.repo";
import { addressHeldForSwitchBack, issueUserToken, newestUsableToken, redeemToken, retireTokens, TOKEN_LIFETIME_SECONDS } from "./user-tokens";
import { publicLink } from "./links";
import { checkPasswordThrottled } from "./login";
import { evictIntruder } from "./eviction";

const INVALID_LINK = "This link is invalid or has expired.";
const REVERT_WINDOW_DAYS = TOKEN_LIFETIME_SECONDS.cancel_email_change / (24 * 3600);

const audit = (userId: string, action: string, result: "success" | "failure", ctx: RequestContext, details?: Record<string, unknown>, tx?: Tx) =>
  recordAudit({ actor: { type: "user", id: userId }, action, target: { type: "user", id: userId }, result, context: ctx, details }, tx);

export async function changeEmail(userId: string, input: { newEmail: string; password: string }, ctx: RequestContext): Promise<void> {
  const user = await findUserById(userId);
  const check = user ? await checkPasswordThrottled(user, input.password, ctx) : null;
  if (!user || !check?.ok) {
    await recordAudit({ actor: { type: "user", id: userId }, action: "user.email_change", target: { type: "user", id: userId }, result: "failure", context: ctx, details: { reason: "reauthentication_failed", failures: check?.failures } });
    throw new UserError("invalid_credentials", INVALID_CREDENTIALS_MESSAGE, { field: "password" });
  }
  if (input.newEmail === user.email) return;
  const owner = await findUserByEmail(input.newEmail);
  if (owner) {
    await enqueueMail({ to: owner.email, template: "already-registered", data: { signInLink: publicLink("/login"), resetLink: publicLink("/forgot-password"), name: owner.displayName ?? undefined } });
    await audit(user.id, "user.email_change_requested", "failure", ctx, { to: input.newEmail, reason: "email_taken" });
    kickOutbox();
    return;
  }
  if (await addressHeldForSwitchBack(input.newEmail, { exceptUserId: user.id })) {
    await audit(user.id, "user.email_change_requested", "failure", ctx, { to: input.newEmail, reason: "address_held" });
    return;
  }
  const name = user.displayName ?? undefined;
  await withTransaction(async (tx) => {
    // A new request supersedes a pending one (issueUserToken retires the older change_email link).
    const confirm = await issueUserToken(user.id, "change_email", { email: input.newEmail, tx });
    const cancel = await issueUserToken(user.id, "cancel_email_change", { email: user.email, tx });
    await enqueueMail({ to: input.newEmail, template: "email-change-confirm", data: { link: publicLink("/confirm-email-change", { token: confirm }), hours: TOKEN_LIFETIME_SECONDS.change_email / 3600, name } }, tx);
    await enqueueMail({ to: user.email, template: "email-change-requested", data: { newEmail: input.newEmail, cancelLink: publicLink("/cancel-email-change", { token: cancel }), days: REVERT_WINDOW_DAYS, name } }, tx);
    await audit(user.id, "user.email_change_requested", "success", ctx, { from: user.email, to: input.newEmail }, tx);
  });
  kickOutbox();
}

/** The change waiting for the new mailbox, for the account page. */
export async function pendingEmailChange(userId: string): Promise<{ email: string; expiresAt: Date } | null> {
  const t = await newestUsableToken(userId, "change_email");
  return t?.email ? { email: t.email, expiresAt: t.expiresAt } : null;
}

/** From the account page (signed in): the link sent to the new address stops working. */
export async function cancelPendingEmailChange(userId: string, ctx: RequestContext): Promise<boolean> {
  return withTransaction(async (tx) => {
    const voided = await retireTokens(userId, "change_email", { tx });
    if (voided) await audit(userId, "user.email_change_cancelled", "success", ctx, { via: "account_page" }, tx);
    return voided > 0;
  });
}

/**
 * The link in the new mailbox, confirmed with a button (mail scanners open links, they do not
 * submit forms). Switches the address and marks it verified: the link proved the mailbox. An
 * address that got an account in the meantime gets the same answer as a dead link.
 */
export async function confirmEmailChange(token: string, ctx: RequestContext, now = new Date()): Promise<{ userId: string; email: string }> {
  let attempted: { userId: string; to: string } | undefined;
  try {
    const result = await withTransaction(async (tx) => {
      const t = await redeemToken(token, "change_email", { tx, now });
      const user = t?.email ? await findUserById(t.userId, tx) : null;
      if (!t?.email || !user || user.disabledAt) return null;
      attempted = { userId: user.id, to: t.email };
      const holder = await findUserByEmail(t.email, tx);
      if ((holder && holder.id !== user.id) || (await addressHeldForSwitchBack(t.email, { exceptUserId: user.id, tx, now }))) {
        await audit(user.id, "user.email_changed", "failure", ctx, { to: t.email, reason: holder ? "email_taken" : "address_held" }, tx);
        return null;
      }
      await updateUser(user.id, { email: t.email, emailVerifiedAt: now }, tx);
      // The way back, for the address being left: valid for the revert window from now.
      const revert = await issueUserToken(user.id, "cancel_email_change", { email: user.email, tx, now });
      await enqueueMail({ to: user.email, template: "email-changed-notice", data: { newEmail: t.email, revertLink: publicLink("/cancel-email-change", { token: revert }), days: REVERT_WINDOW_DAYS, name: user.displayName ?? undefined } }, tx);
      await audit(user.id, "user.email_changed", "success", ctx, { from: user.email, to: t.email }, tx);
      // The link went to the new address: confirming it changes the sign-in address and proves it.
      await emitIdentityEvent({ type: "user.profile_updated", userId: user.id, data: { fields: ["email"] } }, tx);
      await emitIdentityEvent({ type: "user.email_verified", userId: user.id, data: {} }, tx);
      return { userId: user.id, email: t.email };
    });
    if (!result) throw new UserError("invalid_token", INVALID_LINK);
    kickOutbox();
    return result;
  } catch (e) {
    // Registered between the check and the update: the unique index decides, with the same answer.
    if (!isUniqueViolation(e) || !attempted) throw e;
    await audit(attempted.userId, "user.email_changed", "failure", ctx, { to: attempted.to, reason: "email_taken" });
    throw new UserError("invalid_token", INVALID_LINK);
  }
}

export type CancelOutcome = { userId: string; outcome: "cancelled" } | { userId: string; outcome: "reverted"; email: string; methodsRemoved: string[] };

/**
 * The link in the old mailbox, confirmed with a button. While the change is pending, it voids it.
 * Once the account has moved away from this address, it moves it back and treats the change as an
 * intrusion (eviction.ts: locked until a new password, recent sign-in methods
 * removed, a reset link to this address; lib/sign-in then signs it out everywhere). Links issued after this one (by later changes, to
 * addresses the owner may not hold) stop working; earlier ones keep theirs.
 */
export async function cancelEmailChange(token: string, ctx: RequestContext, now = new Date()): Promise<CancelOutcome> {
  const result = await withTransaction(async (tx): Promise<CancelOutcome | "address_taken" | null> => {
    const t = await redeemToken(token, "cancel_email_change", { tx, now });
    const user = t?.email ? await findUserById(t.userId, tx) : null;
    if (!t?.email || !user) return null;
    if (user.email === t.email) {
      const voided = await retireTokens(user.id, "change_email", { tx, now });
      await audit(user.id, "user.email_change_cancelled", "success", ctx, { via: "old_address", pendingVoided: voided > 0 }, tx);
      return { userId: user.id, outcome: "cancelled" };
    }
    return revertEmailChange(user, t.email, t.createdAt, ctx, tx, now);
  });
  if (!result) throw new UserError("invalid_token", INVALID_LINK);
  if (result === "address_taken") {
    // Only the holder of the old mailbox reads this, and that mailbox already knows it has an account.
    throw new UserError("email_taken", "This address now belongs to another account, so we could not switch back to it. Contact support to recover your account.");
  }
  kickOutbox();
  return result;
}

async function revertEmailChange(user: UserRecord, restore: string, linkIssuedAt: Date, ctx: RequestContext, tx: Tx, now: Date): Promise<CancelOutcome | "address_taken"> {
  const holder = await findUserByEmail(restore, tx);
  if (holder && holder.id !== user.id) {
    // Another account took the address after it was left: it cannot be restored here.
    await audit(user.id, "user.email_change_reverted", "failure", ctx, { from: user.email, to: restore, reason: "email_taken" }, tx);
    return "address_taken";
  }
  await retireTokens(user.id, "cancel_email_change", { after: linkIssuedAt, now, tx });
  await updateUser(user.id, { email: restore, emailVerifiedAt: now }, tx);
  // The old address was the proven one until the change: judge "recent" by the window alone, not
  // by the verification the intruder's confirmation just stamped.
  const evicted = await evictIntruder({ ...user, email: restore, emailVerifiedAt: now }, "email_change_reverted", ctx, tx, now, { emailVerifiedAt: new Date(0) });
  await audit(user.id, "user.email_change_reverted", "success", ctx, { from: user.email, to: restore, methodsRemoved: evicted.methodsRemoved.length }, tx);
  await emitIdentityEvent({ type: "user.profile_updated", userId: user.id, data: { fields: ["email"] } }, tx);
  return { userId: user.id, outcome: "reverted", email: restore, methodsRemoved: evicted.methodsRemoved };
}
