// Password sign-in (ARCHITECTURE.md §4). Every credential failure (unknown email, wrong password,
// disabled account) gives the same error after the same work (an argon2 verification against a
// dummy hash for unknown emails). Throttling is keyed by the submitted email, existing or not.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { burnVerification, hashPassword, needsRehash, verifyPassword } from "@/lib/credentials";
import { config } from "@/lib/config";
import { enqueueMail, kickMailWorker } from "@/lib/mail";
import { checkLoginThrottle, recordLoginFailure, clearLoginThrottle } from "@/lib/ratelimit";
import { INVALID_CREDENTIALS_MESSAGE, UserError } from "./users.errors";
import { findUserByEmail, updateUser, withTransaction, type UserRecord } from "./users.repo";
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
  input: { email: string; password: string },
  ctx: RequestContext,
): Promise<UserRecord> {
  const verdict = await checkLoginThrottle(input.email, ctx.ip);
  if (!verdict.allowed) {
    await recordAudit({ actor: { type: "anonymous" }, action: "login.throttled", target: { type: "email", id: input.email }, result: "failure", context: ctx, details: { reason: verdict.reason } });
    if (verdict.reason === "locked") {
      throw new UserError("locked", lockedMessage(Math.ceil(verdict.retryAfterSeconds / 60)), { retryAfterSeconds: verdict.retryAfterSeconds });
    }
    throw new UserError("throttled", `Too many attempts. Wait ${verdict.retryAfterSeconds} seconds and try again.`, { retryAfterSeconds: verdict.retryAfterSeconds });
  }

  const user = await findUserByEmail(input.email);
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await burnVerification(input.password);
  if (!ok || !user || user.disabledAt) {
    await onFailure(input.email, user, ctx, ok ? "disabled" : user ? "wrong_password" : "unknown_email");
    throw new UserError("invalid_credentials", INVALID_CREDENTIALS_MESSAGE);
  }

  const now = new Date();
  // A lock set on the account itself (a risk rule, "this wasn't me") holds even with the right
  // password; only whoever knows the password learns that it is locked.
  if (user.lockedUntil && user.lockedUntil > now) {
    await recordAudit({ actor: { type: "anonymous" }, action: "login.throttled", target: { type: "user", id: user.id }, result: "failure", context: ctx, details: { reason: "account_locked" } });
    throw new UserError("locked", lockedUntilMessage(user.lockedUntil, now));
  }
  if (verdict.failures > 0) await clearLoginThrottle(input.email);
  await updateUser(user.id, {
    lastLoginAt: now,
    // Upgrade hashes made with older parameters while we hold the plaintext.
    ...(needsRehash(user.passwordHash!) ? { passwordHash: await hashPassword(input.password) } : {}),
  });
  await recordAudit({ actor: { type: "user", id: user.id }, action: "login.succeeded", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { method: "password" } });
  return user;
}

async function onFailure(email: string, user: UserRecord | null, ctx: RequestContext, reason: string) {
  const { failures, lockedNow } = await recordLoginFailure(email, ctx.ip);
  await recordAudit({
    actor: { type: "anonymous" },
    action: "login.failed",
    target: user ? { type: "user", id: user.id } : { type: "email", id: email },
    result: "failure",
    context: ctx,
    details: { reason, failures },
  });
  if (lockedNow && user) await lockAccount(user, ctx);
}

/** Locks sign-in for LOGIN_LOCK_MINUTES and mails the owner an unlock link (too many failures, or a risk rule). */
export async function lockAccount(user: UserRecord, ctx: RequestContext, reason = "failures") {
  const minutes = config().LOGIN_LOCK_MINUTES;
  await withTransaction(async (tx) => {
    await updateUser(user.id, { lockedUntil: new Date(Date.now() + minutes * 60_000) }, tx);
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
  });
  kickMailWorker();
}

/** Clears the lock and the failure counters; called by the unlock link and by a password reset. */
export async function unlockUser(user: { id: string; email: string }, ctx: RequestContext, via: string): Promise<void> {
  await clearLoginThrottle(user.email);
  await updateUser(user.id, { lockedUntil: null });
  await recordAudit({ actor: { type: "user", id: user.id }, action: "user.unlocked", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { via } });
}

