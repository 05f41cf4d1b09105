// Password sign-in. Every credential failure (unknown email, wrong password,
// disabled account) gives the same error after the same work (an argon2 verification against a
// dummy hash for unknown emails). Throttling is keyed by the submitted email, existing or not, and
// each attempt is reserved on the throttle before its password is verified (lib/ratelimit).
import "server-only";
import { emitIdentityEvent, recordIdentityEvent } from "@/lib/events";
import { recordAudit, type AuditEventInput, type RequestContext } from "@/lib/audit";
import { burnVerification, hashPassword, needsRehash, verifyPassword } from "@/lib/credentials";
import { config } from "@/lib/config";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { cancelLoginAttempt, clearLoginThrottle, loginAttemptSucceeded, recordLoginFailure, reserveLoginAttempt, type LoginAttempt } from "@/lib/ratelimit";
import { INVALID_CREDENTIALS_MESSAGE, UserError } from "./users.errors";
import { findUserByEmail, recordSignInTime, updateUser, withTransaction, type UserRecord } from "./users.repo";
import { issueUserToken } from "./user-tokens";
import { publicLink } from "./links";

/** For a lock on the account row: a long one (reported "this wasn't me") lifts only with a password reset. */
export function lockedUntilMessage(lockedUntil: Date, now: Date): string {
  const minutes = Math.ceil((lockedUntil.getTime() - now.getTime()) / 60_000);
  return minutes > 24 * 60 ? "This account is locked. Choose a new password with “Forgot your password?” to open it again." : lockedMessage(minutes);
}

export function lockedMessage(minutes: number): string {
  return `Too many failed attempts. Sign-in is locked for up to ${minutes} minutes. If an account exists for this email, we sent it a link to unlock it.`;
}

export async function authenticateWithPassword(
  input: { email: string; password: string; /** The application the sign-in is for, recorded on its events (the analytics' per-application counts). */ clientId?: string | null },
  ctx: RequestContext,
): Promise<UserRecord> {
  const forApp = input.clientId ? { clientId: input.clientId } : {};
  const attempt = await reservePasswordAttempt(input.email, ctx);
  const user = await findUserByEmail(input.email);
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await burnVerification(input.password);
  if (!ok || !user || user.disabledAt) {
    const reason = ok ? "disabled" : user ? "wrong_password" : "unknown_email";
    await countFailedPassword(attempt, user, ctx, { actor: { type: "anonymous" }, action: "login.failed", target: user ? { type: "user", id: user.id } : { type: "email", id: input.email }, result: "failure", context: ctx, details: { reason, ...forApp } });
    // Only about an account that exists (an unknown address is nobody's event).
    if (user) await recordIdentityEvent({ type: "user.sign_in_failed", userId: user.id, data: { reason } });
    throw new UserError("invalid_credentials", INVALID_CREDENTIALS_MESSAGE);
  }

  const now = new Date();
  // A lock set on the account itself (a risk rule, "this wasn't me") holds even with the right
  // password; only whoever knows the password learns that it is locked.
  if (user.lockedUntil && user.lockedUntil > now) {
    await cancelLoginAttempt(attempt); // not a wrong guess, and no sign-in either
    await recordAudit({ actor: { type: "anonymous" }, action: "login.throttled", target: { type: "user", id: user.id }, result: "failure", context: ctx, details: { reason: "account_locked", ...forApp } });
    await recordIdentityEvent({ type: "user.sign_in_failed", userId: user.id, data: { reason: "account_locked" } });
    throw new UserError("locked", lockedUntilMessage(user.lockedUntil, now));
  }
  await loginAttemptSucceeded(attempt);
  // Upgrade hashes made with older parameters while we hold the plaintext.
  if (needsRehash(user.passwordHash!)) await updateUser(user.id, { lastLoginAt: now, passwordHash: await hashPassword(input.password) });
  else await recordSignInTime(user.id, now);
  await recordAudit({ actor: { type: "user", id: user.id }, action: "login.succeeded", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { method: "password", ...forApp } });
  return user;
}

/**
 * A password typed by a signed-in user to confirm a change (the email address, the password): checked through the
 * sign-in throttle keyed by the account's email, so guesses here count, delay and lock the account
 * exactly as at sign-in. A refusal throws before any verification; the caller audits a wrong password.
 */
export async function checkPasswordThrottled(user: UserRecord, password: string, ctx: RequestContext, opts: { field?: string } = {}): Promise<{ ok: boolean; failures: number }> {
  if (!user.passwordHash) return { ok: false, failures: 0 }; // no password to guess
  const attempt = await reservePasswordAttempt(user.email, ctx, { actor: { type: "user", id: user.id }, target: { type: "user", id: user.id }, field: opts.field ?? "password" });
  if (await verifyPassword(user.passwordHash, password)) {
    await loginAttemptSucceeded(attempt);
    return { ok: true, failures: 0 };
  }
  const { failures, lockedNow } = await recordLoginFailure(attempt);
  if (lockedNow) await lockAccount(user, ctx);
  return { ok: false, failures };
}

/** Reserves one attempt on the sign-in throttle before any password is verified; a refusal is audited and thrown. */
async function reservePasswordAttempt(
  email: string,
  ctx: RequestContext,
  opts: { actor?: AuditEventInput["actor"]; target?: { type: string; id: string }; field?: string } = {},
): Promise<LoginAttempt> {
  const verdict = await reserveLoginAttempt(email, ctx.ip);
  if (verdict.allowed) return verdict.attempt;
  await recordAudit({ actor: opts.actor ?? { type: "anonymous" }, action: "login.throttled", target: opts.target ?? { type: "email", id: email }, result: "failure", context: ctx, details: { reason: verdict.reason } });
  const details = { retryAfterSeconds: verdict.retryAfterSeconds, ...(opts.field ? { field: opts.field } : {}) };
  if (verdict.reason === "locked") throw new UserError("locked", lockedMessage(Math.ceil(verdict.retryAfterSeconds / 60)), details);
  throw new UserError("throttled", `Too many attempts. Wait ${verdict.retryAfterSeconds} seconds and try again.`, details);
}

/** A failed attempt stays counted: audited with the account's failure count; at the threshold the account locks and its owner is mailed. */
async function countFailedPassword(attempt: LoginAttempt, user: UserRecord | null, ctx: RequestContext, audit: AuditEventInput) {
  const { failures, lockedNow } = await recordLoginFailure(attempt);
  await recordAudit({ ...audit, details: { ...audit.details, failures } });
  if (lockedNow && user) await lockAccount(user, ctx);
}

/** Locks sign-in for LOGIN_LOCK_MINUTES and mails the owner an unlock link (too many failures, or a risk rule). */
export async function lockAccount(user: UserRecord, ctx: RequestContext, reason = "failures") {
  const minutes = config().LOGIN_LOCK_MINUTES;
  const lockedUntil = new Date(Date.now() + minutes * 60_000);
  await withTransaction(async (tx) => {
    await updateUser(user.id, { lockedUntil }, tx);
    const token = await issueUserToken(user.id, "unlock", { tx });
    await enqueueMail(
      {
        to: user.email,
        template: "account-locked",
        data: { unlockLink: publicLink("/unlock", { token }), resetLink: publicLink("/forgot-password"), minutes, name: user.displayName ?? undefined },
      },
      tx,
    );
    await recordAudit({ actor: { type: "system" }, action: "user.locked", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { minutes, reason } }, tx);
    await emitIdentityEvent({ type: "user.locked", userId: user.id, data: { reason, until: lockedUntil.toISOString() } }, tx);
  });
  kickOutbox();
}

/** Clears the lock and the failure counters; called by the unlock link and by a password reset. */
export async function unlockUser(user: { id: string; email: string }, ctx: RequestContext, via: string): Promise<void> {
  await clearLoginThrottle(user.email);
  await updateUser(user.id, { lockedUntil: null });
  await recordAudit({ actor: { type: "user", id: user.id }, action: "user.unlocked", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { via } });
}

