// Deleting an account across domains (GDPR art. 17). Asking: lib/users disables the account and
// schedules the erasure, then it is signed out everywhere (sessions, trusted browsers, grants,
// back-channel logout to the applications). Erasing, once the grace period is over (the janitor):
// one transaction per account that removes the protocol data (lib/oidc), the mail to its address
// (lib/mail), the texts to its phone numbers that no other account holds (lib/sms), the account row
// and everything that hangs off it (lib/users), the person's consent receipts (lib/consents), its
// earlier identity events (lib/events: one, user.deleted, tells subscribers), and pseudonymises its
// audit events (lib/audit), then mails the address a last notice.
import "server-only";
import { pseudonymiseSubject, recordAudit, type RequestContext } from "@/lib/audit";
import { eraseConsentReceiptsOf } from "@/lib/consents";
import { emitIdentityEvent, eraseEventsOf } from "@/lib/events";
import { eraseProvisioningTracesOf } from "@/lib/provisioning";
import { eraseWebhookDeliveriesOf } from "@/lib/webhooks";
import { enqueueMail, eraseMailTo } from "@/lib/mail";
import { eraseProtocolDataOf } from "@/lib/oidc";
import { eraseSmsTo } from "@/lib/sms";
import { kickOutbox } from "@/lib/outbox";
import { accountsDueForErasure, eraseAccountRecord, markForImmediateErasure, adminTarget, refuseOwnAccount, scheduleAccountDeletion, type Actor, type ScheduledDeletion } from "@/lib/users";
import { signOutEverywhere } from "./sign-out-everywhere";
import { withTransaction } from "./sign-in.repo";

export async function requestAccountDeletion(actor: Actor, userId: string, ctx: RequestContext, now = new Date()): Promise<ScheduledDeletion> {
  const scheduled = await scheduleAccountDeletion(actor, userId, ctx, now);
  await signOutEverywhere(userId, "account_deletion", ctx, now);
  return scheduled;
}

/** Accounts erased per janitor pass; the rest wait for the next one. */
const ERASURES_PER_PASS = 100;

/** Erases the accounts whose grace period is over; returns how many. */
export async function eraseAccountsDue(now = new Date()): Promise<number> {
  let erased = 0;
  for (const userId of await accountsDueForErasure(now, ERASURES_PER_PASS)) {
    if (await eraseAccount(userId, now)) erased++;
  }
  if (erased) kickOutbox();
  return erased;
}

/** One account's erasure, in one transaction; false when it is no longer due (cancelled meanwhile). The caller kicks the outbox. */
async function eraseAccount(userId: string, now: Date, opts: { byAdministrator?: boolean; byProvisioning?: string } = {}): Promise<boolean> {
  return withTransaction(async (tx) => {
    const account = await eraseAccountRecord(userId, now, tx, { unlessStaff: opts.byProvisioning !== undefined });
    if (!account) return false; // cancelled since the list was read
    await eraseProtocolDataOf(userId, tx);
    const addresses = account.email ? [account.email] : [];
    await eraseMailTo(addresses, tx);
    await eraseSmsTo(account.unsharedPhoneNumbers, tx);
    await eraseConsentReceiptsOf(userId, tx);
    await pseudonymiseSubject(userId, addresses, tx);
    await recordAudit({ actor: { type: "system", id: opts.byProvisioning }, action: "user.erased", target: { type: "user", id: userId }, result: "success" }, tx);
    await eraseWebhookDeliveriesOf(userId, tx); // before the events they were made from
    await eraseEventsOf(userId, tx);
    await eraseProvisioningTracesOf(userId, tx);
    await emitIdentityEvent({ type: "user.deleted", userId, data: {} }, tx);
    // A provisioning system's deletion is the end of a relationship it manages (a leaver): no mail.
    if (account.email && !opts.byProvisioning) await enqueueMail({ to: account.email, template: "account-erased", data: { name: account.displayName ?? undefined, byAdministrator: opts.byAdministrator } }, tx);
    return true;
  });
}

/**
 * An administrator deletes an account at once (users:delete; the typed address confirms it): due
 * now (lib/users), signed out everywhere (the applications told over the back channel), erased.
 */
export async function deleteAccountNow(actor: Actor, userId: string, confirmation: string, ctx: RequestContext, now = new Date()): Promise<void> {
  await markForImmediateErasure(actor, userId, confirmation, ctx, now);
  await signOutEverywhere(userId, "account_deletion", ctx, now);
  await eraseAccount(userId, now, { byAdministrator: true });
  kickOutbox();
}

/**
 * A provisioning client deletes a user (SCIM DELETE, RFC 7644 §3.6): lib/scim checked it and made
 * it due now (markUserForDeletion, under the row lock), then here it is signed out everywhere (the applications told over the back channel), erased like any account.
 */
export async function eraseProvisionedAccount(userId: string, provisioningActor: string, ctx: RequestContext, now = new Date()): Promise<void> {
  await signOutEverywhere(userId, "account_deletion", ctx, now, { actor: { type: "system", id: provisioningActor } });
  await eraseAccount(userId, now, { byProvisioning: provisioningActor });
  kickOutbox();
}

/** An administrator schedules the deletion (users:delete), with the owner's grace period; never their own account from the console. */
export async function scheduleDeletionByAdmin(actor: Actor, userId: string, ctx: RequestContext, now = new Date()): Promise<ScheduledDeletion> {
  await adminTarget(actor, "users:delete", userId);
  refuseOwnAccount(actor, userId, "delete");
  return requestAccountDeletion(actor, userId, ctx, now);
}
