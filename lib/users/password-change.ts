// Changing the password while signed in (the security page). The owner proves the current password,
// checked through the sign-in throttle (checkPasswordThrottled: a wrong one counts, delays and locks
// as at sign-in, as for an email change); the new one meets the registration policy
// (lib/credentials, NIST SP 800-63B rev 4) and is hashed with argon2id before any transaction.
// Two halves, so that lib/sign-in can write the hash in the same transaction that signs every other
// session out: prepare (checks, hash; nothing written but throttle counters and failure audits),
// then record (hash, mail with "this wasn't me", audit) in the caller's transaction.
//
// An account without a password (passkey only) is refused with `no_password`: there is no current
// password to prove, and a first password set from a session alone would let whoever holds a
// stolen session add a way in. The way to get one is the reset link from "Forgot your password?",
// which proves the mailbox.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { evaluatePassword, hashPassword, normalizePassword } from "@/lib/credentials";
import { safeEqual } from "@/lib/crypto";
import { enqueueMail } from "@/lib/mail";
import type { Actor } from "./permissions";
import { checkPasswordThrottled } from "./login";
import { publicLink } from "./links";
import { issueUserToken } from "./user-tokens";
import { UserError } from "./users.errors";
import { findUserById, updateUser, type Tx, type UserRecord } from "./users.repo";

export const NO_PASSWORD_MESSAGE =
  "Your account has no password: you sign in with a passkey, so there is no current password to confirm. To add a password, use “Forgot your password?” on the sign-in page: the link we email lets you choose one (it signs you out everywhere and removes sign-in methods added in the last 14 days).";
export const WRONG_CURRENT_PASSWORD_MESSAGE = "This is not your current password.";

export interface PasswordChangeInput {
  currentPassword: string;
  newPassword: string;
}

/** Checked and hashed, not yet written: recordPasswordChange writes it. */
export interface PreparedPasswordChange {
  user: UserRecord;
  passwordHash: string;
}

/** Where the change came from, for the owner's mail. */
export interface PasswordChangeNotice {
  /** "Firefox on Linux" (lib/formats userAgentFamily). */
  device: string;
  /** "Madrid, ES", or null when the address has no known place. */
  place: string | null;
}

/** Whether the account has a password to change (the security page offers the form, or says why not). */
export async function hasPassword(userId: string): Promise<boolean> {
  return Boolean((await findUserById(userId))?.passwordHash);
}

export async function preparePasswordChange(actor: Actor, userId: string, input: PasswordChangeInput, ctx: RequestContext): Promise<PreparedPasswordChange> {
  // Only the owner: an administrator does not know the current password, and must not set one.
  if (actor.id !== userId) throw new UserError("forbidden", "Only the account's owner can change its password.");
  const user = await findUserById(userId);
  if (!user || user.disabledAt) throw new UserError("not_found", "This account no longer exists.");
  const failed = (reason: string, details: Record<string, unknown> = {}) =>
    recordAudit({ actor: { type: "user", id: user.id }, action: "user.password_changed", target: { type: "user", id: user.id }, result: "failure", context: ctx, details: { reason, ...details } });
  if (!user.passwordHash) {
    await failed("no_password");
    throw new UserError("no_password", NO_PASSWORD_MESSAGE, { field: "currentPassword" });
  }
  // Checked before the current password, so a refused new password costs no attempt on the throttle.
  const evaluation = evaluatePassword(input.newPassword, { email: user.email, displayName: user.displayName ?? undefined, singleFactor: true });
  if (evaluation.issues.length) {
    throw new UserError("password_policy", evaluation.issues[0]!.message, { field: "newPassword", issues: evaluation.issues.map((i) => i.message) });
  }
  if (safeEqual(normalizePassword(input.newPassword), normalizePassword(input.currentPassword))) {
    throw new UserError("password_reused", "Choose a new password that is different from your current one.", { field: "newPassword" });
  }
  const check = await checkPasswordThrottled(user, input.currentPassword, ctx, { field: "currentPassword" });
  if (!check.ok) {
    await failed("reauthentication_failed", { failures: check.failures });
    throw new UserError("invalid_credentials", WRONG_CURRENT_PASSWORD_MESSAGE, { field: "currentPassword" });
  }
  return { user, passwordHash: await hashPassword(input.newPassword) };
}

/** Writes the new hash, mails the owner (when, from where, "this wasn't me") and audits, in `tx`; the caller kicks the outbox. */
export async function recordPasswordChange(prepared: PreparedPasswordChange, notice: PasswordChangeNotice, ctx: RequestContext, tx: Tx, now = new Date()): Promise<void> {
  const { user, passwordHash } = prepared;
  await updateUser(user.id, { passwordHash, passwordChangedAt: now }, tx);
  const notMe = await issueUserToken(user.id, "not_me", { tx, now });
  await enqueueMail(
    {
      to: user.email,
      template: "password-changed",
      data: {
        name: user.displayName ?? undefined,
        at: `${now.toISOString().slice(0, 16).replace("T", " ")} UTC`,
        device: notice.device,
        ...(notice.place ? { place: notice.place } : {}),
        notMeLink: publicLink("/not-me", { token: notMe }),
        securityLink: publicLink("/account/security"),
      },
    },
    tx,
  );
  await recordAudit({ actor: { type: "user", id: user.id }, action: "user.password_changed", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { device: notice.device } }, tx);
  await emitIdentityEvent({ type: "user.password_changed", userId: user.id, data: { method: "change" } }, tx);
}
