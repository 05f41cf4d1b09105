// An administrator creates a customer account: by invitation (the owner sets the password through a
// mailed single-use link, which also verifies the address), or with a password the administrator
// gives (a migration from another system), checked against the password policy like any other.
// A segment's administrator (user_admin:region=EU) may only create accounts inside the segment.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { evaluatePassword, hashPassword } from "@/lib/credentials";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { assertPermission, canActOnUser, permissionScope, segmentOf, type Actor } from "./permissions";
import { adminActor, mailAdminChange } from "./admin-user-actions";
import { publicLink } from "./links";
import { addressHeldForSwitchBack, issueUserToken, peekToken, redeemToken, TOKEN_LIFETIME_SECONDS } from "./user-tokens";
import { UserError } from "./users.errors";
import { findUserByEmail, findUserById, insertUser, isUniqueViolation, updateUser, withTransaction, type Tx } from "./users.repo";

export type NewAccount = {
  email: string;
  displayName?: string;
  /** Custom attribute values, already checked against their definitions by lib/profile. */
  attributes: Record<string, unknown>;
} & ({ method: "invitation" } | { method: "password"; password: string; emailVerified: boolean });

const INVALID_INVITATION = "This invitation link is invalid, was already used or has expired. Ask your administrator for a new one.";

function policyIssues(password: string, who: { email: string; displayName?: string }): void {
  const evaluation = evaluatePassword(password, { email: who.email, displayName: who.displayName, singleFactor: true });
  if (evaluation.issues.length) throw new UserError("password_policy", evaluation.issues[0]!.message, { field: "password", issues: evaluation.issues.map((i) => i.message) });
}

/** users:write. Returns the new account's id. */
export async function createUserByAdmin(actor: Actor, input: NewAccount, ctx: RequestContext): Promise<{ userId: string }> {
  assertPermission(actor, "users:write");
  // A segment's administrator gives the new account the segment's value: it must be theirs to manage.
  if (!canActOnUser(actor, "users:write", { attributes: input.attributes })) {
    const scope = permissionScope(actor, "users:write");
    const segment = scope === "all" ? null : scope.map(segmentOf).find((s) => s !== null);
    const hint = segment ? `Give it ${segment.attribute} = ${segment.value}: you manage only that segment.` : "You manage only a segment of the customers.";
    throw new UserError("outside_segment", `The new account would be outside the customers you manage. ${hint}`, { field: segment ? `attr.${segment.attribute}` : "email" });
  }
  if (input.method === "password") policyIssues(input.password, input);
  const passwordHash = input.method === "password" ? await hashPassword(input.password) : null;
  const taken = () => new UserError("email_taken", "An account with this email address already exists.", { field: "email" });
  if ((await findUserByEmail(input.email)) || (await addressHeldForSwitchBack(input.email))) throw taken();
  const now = new Date();
  const userId = await withTransaction(async (tx) => {
    const verified = input.method === "password" && input.emailVerified;
    const user = await insertUser({ email: input.email, displayName: input.displayName, passwordHash, attributes: input.attributes, emailVerifiedAt: verified ? now : undefined }, tx);
    if (input.method === "invitation") {
      await mailInvitation({ id: user.id, email: user.email, displayName: input.displayName ?? null }, tx, now);
    } else {
      await mailAdminChange(user, "created", tx);
      if (!verified) {
        const token = await issueUserToken(user.id, "verify_email", { email: user.email, tx, now });
        await enqueueMail({ to: user.email, template: "verify-email", data: { link: publicLink("/verify-email", { token }), name: input.displayName } }, tx);
      }
    }
    await emitIdentityEvent({ type: "user.created", userId: user.id, data: { source: input.method === "invitation" ? "invitation" : "admin" } }, tx);
    await recordAudit({ actor: adminActor(actor), action: "user.created_by_admin", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { method: input.method, attributes: Object.keys(input.attributes) } }, tx);
    return user.id;
  }).catch((e: unknown) => {
    throw isUniqueViolation(e) ? taken() : e;
  });
  kickOutbox();
  return { userId };
}

/**
 * The invitation mail: a single-use link to set a password, which also proves the address. For
 * an administrator's new account, and for one a provisioning client (SCIM) created when it asks
 * for invitations; in the caller's transaction (the caller kicks the outbox).
 */
export async function mailInvitation(user: { id: string; email: string; displayName: string | null }, tx: Tx, now = new Date()): Promise<void> {
  const token = await issueUserToken(user.id, "invitation", { email: user.email, tx, now });
  const hours = TOKEN_LIFETIME_SECONDS.invitation / 3600;
  await enqueueMail({ to: user.email, template: "invitation", data: { link: publicLink("/accept-invitation", { token }), hours, name: user.displayName ?? undefined } }, tx);
}

/** For the invitation page: whether the link still works, and for which address. */
export async function previewInvitation(token: string): Promise<{ email: string } | null> {
  const pending = await peekToken(token, "invitation");
  const user = pending ? await findUserById(pending.userId) : null;
  return user && pending?.email === user.email && !user.disabledAt ? { email: user.email } : null;
}

/**
 * The invited owner sets their password: once, before the link expires. The link proves the
 * mailbox, so the address counts as verified. The policy is checked before the link is spent.
 */
export async function acceptInvitation(token: string, password: string, ctx: RequestContext): Promise<{ userId: string; email: string }> {
  const pending = await peekToken(token, "invitation");
  const preview = pending ? await findUserById(pending.userId) : null;
  if (!preview) throw new UserError("invalid_token", INVALID_INVITATION);
  policyIssues(password, { email: preview.email, displayName: preview.displayName ?? undefined });
  const passwordHash = await hashPassword(password);
  const done = await withTransaction(async (tx) => {
    const now = new Date();
    const t = await redeemToken(token, "invitation", { tx, now });
    const user = t ? await findUserById(t.userId, tx) : null;
    // Sent to the address it names: after an email change the invitation is worthless.
    if (!user || user.email !== t?.email || user.disabledAt) return null;
    await updateUser(user.id, { passwordHash, passwordChangedAt: now, emailVerifiedAt: user.emailVerifiedAt ?? now }, tx);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "user.invitation_accepted", target: { type: "user", id: user.id }, result: "success", context: ctx }, tx);
    // Set through a mailed single-use link, as a reset is; the link proves the mailbox.
    await emitIdentityEvent({ type: "user.password_changed", userId: user.id, data: { method: "reset" } }, tx);
    if (!user.emailVerifiedAt) await emitIdentityEvent({ type: "user.email_verified", userId: user.id, data: {} }, tx);
    return { userId: user.id, email: user.email };
  });
  if (!done) throw new UserError("invalid_token", INVALID_INVITATION);
  return done;
}
