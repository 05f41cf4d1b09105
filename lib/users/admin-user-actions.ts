// What an administrator does to one customer's account from the console: verify or un-verify the
// address, disable and enable, lock and unlock, require a new password, send a reset link. Each
// checks its permission against the customer (admin-target.ts: segment scopes), writes its audit
// event with the administrator as actor in the transaction of the change, and mails the customer.
// Signing out (disable, sign out everywhere) is lib/sign-in's, which calls these first.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { enqueueMail, type AdminChange } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import type { Actor } from "./permissions";
import { adminTarget, refuseOwnAccount, type AdminTarget } from "./admin-target";
import { publicLink } from "./links";
import { issueUserToken, retireTokens } from "./user-tokens";
import { UserError } from "./users.errors";
import { updateUser, withTransaction, type Tx } from "./users.repo";
import { clearLoginThrottle } from "@/lib/ratelimit";

/** The audit actor of a console action (lib/activity says "by an administrator" for it). */
export const adminActor = (actor: Actor) => ({ type: "admin", id: actor.id }) as const;

/** The account-changed mail, in the caller's transaction. */
export async function mailAdminChange(user: Pick<AdminTarget, "email" | "displayName">, change: AdminChange, tx: Tx, extra: { application?: string } = {}): Promise<void> {
  await enqueueMail(
    { to: user.email, template: "account-changed-by-admin", data: { change, securityLink: publicLink("/account/security"), resetLink: publicLink("/forgot-password"), name: user.displayName ?? undefined, ...extra } },
    tx,
  );
}

async function audited(actor: Actor, user: AdminTarget, action: string, ctx: RequestContext, tx: Tx, details?: Record<string, unknown>): Promise<void> {
  await recordAudit({ actor: adminActor(actor), action, target: { type: "user", id: user.id }, result: "success", context: ctx, details }, tx);
}

/** users:write. Marks the address verified (the administrator checked it another way) or asks for it to be confirmed again. */
export async function setEmailVerified(actor: Actor, userId: string, verified: boolean, ctx: RequestContext, now = new Date()): Promise<void> {
  await withTransaction(async (tx) => {
    const user = await adminTarget(actor, "users:write", userId, tx);
    if (Boolean(user.emailVerifiedAt) === verified) throw new UserError("no_change", verified ? "The address is already verified." : "The address is already unverified.");
    await updateUser(user.id, { emailVerifiedAt: verified ? now : null }, tx);
    // Un-verified: the next verification link must be a new one.
    if (!verified) await retireTokens(user.id, "verify_email", { tx, now });
    await audited(actor, user, verified ? "user.email_verified_by_admin" : "user.email_unverified_by_admin", ctx, tx, { email: user.email });
    if (verified) await emitIdentityEvent({ type: "user.email_verified", userId: user.id, data: {} }, tx);
    await mailAdminChange(user, verified ? "email_verified" : "email_unverified", tx);
  });
  kickOutbox();
}

/**
 * users:write. No sign-in from now on (sign-in, sessions and tokens all check disabledAt); the
 * caller (lib/sign-in) then signs the account out everywhere. Not one's own account.
 */
export async function disableAccount(actor: Actor, userId: string, ctx: RequestContext, now = new Date()): Promise<void> {
  await withTransaction(async (tx) => {
    const user = await adminTarget(actor, "users:write", userId, tx);
    refuseOwnAccount(actor, user.id, "disable");
    if (user.disabledAt) throw new UserError("no_change", "The account is already disabled.");
    await updateUser(user.id, { disabledAt: now }, tx);
    await audited(actor, user, "user.disabled", ctx, tx);
    await emitIdentityEvent({ type: "user.disabled", userId: user.id, data: { by: "admin" } }, tx);
    await mailAdminChange(user, "disabled", tx);
  });
  kickOutbox();
}

/** users:write. An account waiting for erasure stays disabled: its owner's cancellation link is the way back. */
export async function enableAccount(actor: Actor, userId: string, ctx: RequestContext): Promise<void> {
  await withTransaction(async (tx) => {
    const user = await adminTarget(actor, "users:write", userId, tx);
    if (!user.disabledAt) throw new UserError("no_change", "The account is not disabled.");
    if (user.deletionDueAt) throw new UserError("deletion_scheduled", "This account is being deleted. Its owner can cancel the deletion with the link they were mailed.");
    await updateUser(user.id, { disabledAt: null }, tx);
    await audited(actor, user, "user.enabled", ctx, tx);
    await emitIdentityEvent({ type: "user.enabled", userId: user.id, data: { by: "admin" } }, tx);
    await mailAdminChange(user, "enabled", tx);
  });
  kickOutbox();
}

/** The lock lengths the console offers (minutes). As every lock, a password reset by the owner lifts it: to keep someone out, disable. */
export const ADMIN_LOCK_MINUTES = [60, 24 * 60, 7 * 24 * 60] as const;

/** users:write. Sign-in refused until `minutes` have passed or it is unlocked. Not one's own account. */
export async function lockAccountByAdmin(actor: Actor, userId: string, minutes: number, ctx: RequestContext, now = new Date()): Promise<{ lockedUntil: Date }> {
  if (!(ADMIN_LOCK_MINUTES as readonly number[]).includes(minutes)) throw new UserError("no_change", "Choose how long to lock the account.", { field: "minutes" });
  const lockedUntil = new Date(now.getTime() + minutes * 60_000);
  await withTransaction(async (tx) => {
    const user = await adminTarget(actor, "users:write", userId, tx);
    refuseOwnAccount(actor, user.id, "lock");
    await updateUser(user.id, { lockedUntil }, tx);
    await audited(actor, user, "user.locked_by_admin", ctx, tx, { minutes });
    await emitIdentityEvent({ type: "user.locked", userId: user.id, data: { reason: "admin", until: lockedUntil.toISOString() } }, tx);
    await mailAdminChange(user, "locked", tx);
  });
  kickOutbox();
  return { lockedUntil };
}

/** users:unlock. Clears the lock and the failed-attempt counters. */
export async function unlockAccountByAdmin(actor: Actor, userId: string, ctx: RequestContext, now = new Date()): Promise<void> {
  const user = await withTransaction(async (tx) => {
    const user = await adminTarget(actor, "users:unlock", userId, tx);
    if (!user.lockedUntil || user.lockedUntil <= now) throw new UserError("no_change", "The account is not locked.");
    await updateUser(user.id, { lockedUntil: null }, tx);
    await audited(actor, user, "user.unlocked", ctx, tx, { via: "administrator" });
    await mailAdminChange(user, "unlocked", tx);
    return user;
  });
  await clearLoginThrottle(user.email);
  kickOutbox();
}

/**
 * users:write. Every sign-in is refused until the owner chooses a new password (lib/sign-in checks
 * passwordResetRequiredAt; resetPassword clears it); a reset link goes out now, the compromised-
 * password path's mail (not-me.ts), and again at each refused sign-in (throttled there).
 */
export async function requirePasswordReset(actor: Actor, userId: string, ctx: RequestContext, now = new Date()): Promise<void> {
  await withTransaction(async (tx) => {
    const user = await adminTarget(actor, "users:write", userId, tx);
    await updateUser(user.id, { passwordResetRequiredAt: now }, tx);
    await mailResetLink(user, tx);
    await audited(actor, user, "password.reset_forced", ctx, tx, { reason: "administrator", mailed: true });
    await mailAdminChange(user, "reset_required", tx);
  });
  kickOutbox();
}

/** users:send_reset. The forgot-password mail, sent now (the administrator already knows the account exists). */
export async function sendPasswordResetLink(actor: Actor, userId: string, ctx: RequestContext): Promise<void> {
  await withTransaction(async (tx) => {
    const user = await adminTarget(actor, "users:send_reset", userId, tx);
    if (user.disabledAt) throw new UserError("no_change", "The account is disabled: a reset link would not let its owner in.");
    await mailResetLink(user, tx);
    await audited(actor, user, "password.reset_requested", ctx, tx, { by: "administrator" });
  });
  kickOutbox();
}

/** The reset-password mail (recovery.ts mailPasswordReset's): a new link retires the older ones. */
async function mailResetLink(user: AdminTarget, tx: Tx): Promise<void> {
  const token = await issueUserToken(user.id, "reset_password", { tx });
  await enqueueMail({ to: user.email, template: "reset-password", data: { link: publicLink("/reset-password", { token }), name: user.displayName ?? undefined } }, tx);
}

/** users:write, for lib/sign-in's sign-out everywhere and disable: the target checked, not one's own account. */
export async function assertAdminMaySignOut(actor: Actor, userId: string): Promise<AdminTarget> {
  const user = await adminTarget(actor, "users:write", userId);
  refuseOwnAccount(actor, user.id, "sign out everywhere");
  return user;
}
