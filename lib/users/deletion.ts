// Account deletion (GDPR art. 17) with a grace period: asking disables the account at once and
// mails a link that cancels; when ACCOUNT_DELETION_GRACE_DAYS have passed the account is erased
// (lib/sign-in/account-deletion.ts combines the domains' parts in one transaction). Signing out
// everywhere is the caller's (lib/sign-in), as for every recovery.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { emitIdentityEvent } from "@/lib/events";
import { config } from "@/lib/config";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { publicLink } from "./links";
import type { Actor } from "./permissions";
import { adminTarget, refuseOwnAccount } from "./admin-target";
import { adminActor } from "./admin-user-actions";
import { issueUserToken, redeemToken } from "./user-tokens";
import { UserError } from "./users.errors";
import { holdsConsoleRole } from "./roles.repo";
import { deleteUserRow, findDeletionState, findDeletionStateForUpdate, listAccountsDueForErasure, lockAccountDueForErasure, phoneNumbersHeld, phoneNumbersOfUser, updateUser, withTransaction, type Tx } from "./users.repo";

export interface ScheduledDeletion {
  userId: string;
  erasureDueAt: Date;
}

const DAY_MS = 24 * 3600_000;

/** "4 January 2027": the date in the mail, in words nobody misreads. */
function longDate(d: Date): string {
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/**
 * The owner (or an administrator holding users:delete for them) asks to delete the account:
 * disabled now, erased after the grace period. An account already waiting for erasure keeps its date.
 */
export async function scheduleAccountDeletion(actor: Actor, userId: string, ctx: RequestContext, now = new Date()): Promise<ScheduledDeletion> {
  if (actor.id !== userId) await adminTarget(actor, "users:delete", userId);
  const erasureDueAt = new Date(now.getTime() + config().ACCOUNT_DELETION_GRACE_DAYS * DAY_MS);
  const done = await withTransaction(async (tx) => {
    const user = await findDeletionState(userId, tx);
    if (!user) throw new UserError("not_found", "This account does not exist.");
    if (user.deletionDueAt) throw new UserError("deletion_scheduled", `This account is already being deleted: it will be erased on ${longDate(user.deletionDueAt)}.`);
    await updateUser(userId, { disabledAt: user.disabledAt ?? now, deletionRequestedAt: now, deletionDueAt: erasureDueAt }, tx);
    const cancel = await issueUserToken(userId, "cancel_deletion", { tx, now, expiresAt: erasureDueAt });
    await enqueueMail({ to: user.email, template: "account-deletion-scheduled", data: { erasureDate: longDate(erasureDueAt), cancelLink: publicLink("/cancel-deletion", { token: cancel }), name: user.displayName ?? undefined } }, tx);
    await recordAudit(
      { actor: { type: actor.id === userId ? "user" : "admin", id: actor.id }, action: "user.deletion_requested", target: { type: "user", id: userId }, result: "success", context: ctx, details: { erasureDueAt: erasureDueAt.toISOString() } },
      tx,
    );
    await emitIdentityEvent({ type: "user.deletion_requested", userId, data: { eraseAfter: erasureDueAt.toISOString() } }, tx);
    return { userId, erasureDueAt };
  });
  kickOutbox();
  return done;
}

/**
 * The mailed link, before the erasure: the account is open again (signing in again is the owner's
 * next step). An account an administrator had disabled before the request stays disabled.
 */
export async function cancelAccountDeletion(token: string, ctx: RequestContext, now = new Date()): Promise<{ userId: string; stillDisabled: boolean }> {
  const restored = await withTransaction(async (tx) => {
    const t = await redeemToken(token, "cancel_deletion", { tx, now });
    const user = t ? await findDeletionState(t.userId, tx) : null;
    if (!user?.deletionDueAt || user.deletionDueAt <= now) throw new UserError("invalid_token", "This link has expired or was already used. An account past its deletion date cannot be restored.");
    const disabledBeforeRequest = Boolean(user.disabledAt && user.deletionRequestedAt && user.disabledAt < user.deletionRequestedAt);
    await updateUser(user.id, { deletionRequestedAt: null, deletionDueAt: null, ...(disabledBeforeRequest ? {} : { disabledAt: null }) }, tx);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "user.deletion_cancelled", target: { type: "user", id: user.id }, result: "success", context: ctx }, tx);
    await emitIdentityEvent({ type: "user.deletion_cancelled", userId: user.id, data: {} }, tx);
    return { userId: user.id, stillDisabled: disabledBeforeRequest };
  });
  kickOutbox();
  return restored;
}

export { listAccountsDueForErasure as accountsDueForErasure };

/**
 * users:delete, at once (no grace period): the administrator types the account's address to
 * confirm. Disables the account and makes its erasure due now, audited as the administrator's act;
 * the caller (lib/sign-in) signs it out everywhere and erases it (eraseAccountRecord). If that
 * fails, the janitor's next pass erases it: the erasure is already due.
 */
export async function markForImmediateErasure(actor: Actor, userId: string, confirmation: string, ctx: RequestContext, now = new Date()): Promise<void> {
  await withTransaction(async (tx) => {
    const user = await adminTarget(actor, "users:delete", userId, tx);
    refuseOwnAccount(actor, user.id, "delete");
    if (confirmation.trim().toLowerCase() !== user.email.toLowerCase()) {
      throw new UserError("confirmation_mismatch", "Type the account's email address exactly to confirm the deletion.", { field: "confirmation" });
    }
    await updateUser(userId, { disabledAt: user.disabledAt ?? now, deletionRequestedAt: now, deletionDueAt: now }, tx);
    await recordAudit({ actor: adminActor(actor), action: "user.deleted_by_admin", target: { type: "user", id: userId }, result: "success", context: ctx, details: { immediate: true } }, tx);
  });
}

/** A provisioning client deletes the account (lib/scim checked it may): disabled and due now. */
export async function markProvisionedAccountForErasure(userId: string, now: Date, tx: Tx): Promise<void> {
  const user = await findDeletionStateForUpdate(userId, tx);
  if (!user) return;
  await updateUser(userId, { disabledAt: user.disabledAt ?? now, deletionRequestedAt: now, deletionDueAt: now }, tx);
}

/**
 * The users domain's part of an erasure, in the caller's transaction: the account row goes, with
 * everything that hangs off it. Null when the erasure is no longer due (cancelled meanwhile).
 * `unsharedPhoneNumbers`: the numbers it held (profile, SMS factors) that no other account holds
 * as a confirmed SMS factor, whose texts the caller erases too (GDPR art. 17); a number another
 * account proved it holds keeps its texts, which may be that account's.
 */
export async function eraseAccountRecord(userId: string, now: Date, tx: Tx, opts: { unlessStaff?: boolean } = {}): Promise<{ email: string | null; displayName: string | null; unsharedPhoneNumbers: string[] } | null> {
  const user = await lockAccountDueForErasure(userId, now, tx);
  if (!user) return null;
  // A provisioning client's erasure never takes an account that became staff meanwhile (a role
  // is granted under the same row lock: lib/users roles.ts).
  if (opts.unlessStaff && (await holdsConsoleRole(userId, tx))) return null;
  const numbers = await phoneNumbersOfUser(userId, tx);
  await deleteUserRow(userId, tx);
  const held = await phoneNumbersHeld(numbers, tx);
  return { email: user.email, displayName: user.displayName, unsharedPhoneNumbers: numbers.filter((n) => !held.has(n)) };
}
