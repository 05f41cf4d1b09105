// Passwordless sign-in with a passkey (a discoverable WebAuthn credential, user verified). The
// ceremony is lib/factors'; this adds the account's own rules: a disabled account cannot sign in, and
// a locked one stays locked (its unlock link is in the owner's mailbox) whatever the method, and an
// unverified one cannot (whoever registered the address never proved it: a passkey planted on
// someone else's address must not open the account the owner later takes back).
import "server-only";
import { recordIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { verifyPasskeyAssertion } from "@/lib/factors";
import { lockedUntilMessage } from "./login";
import { UserError } from "./users.errors";
import { findUserById, recordSignInTime, type UserRecord } from "./users.repo";

/** `clientId`: the application the sign-in is for, recorded on its events (the analytics' per-application counts). */
export async function authenticateWithPasskey(response: unknown, ctx: RequestContext, opts: { clientId?: string | null; now?: Date } = {}): Promise<UserRecord> {
  const now = opts.now ?? new Date();
  const forApp = opts.clientId ? { clientId: opts.clientId } : {};
  const { userId, factorId } = await verifyPasskeyAssertion(response, { purpose: "sign-in", userId: null }, ctx, now);
  const user = await findUserById(userId);
  if (!user || user.disabledAt) {
    await recordAudit({ actor: { type: "anonymous" }, action: "login.failed", target: { type: "user", id: userId }, result: "failure", context: ctx, details: { reason: "disabled", method: "passkey", ...forApp } });
    if (user) await recordIdentityEvent({ type: "user.sign_in_failed", userId: user.id, data: { reason: "disabled" } });
    throw new UserError("invalid_credentials", "This passkey cannot sign you in. Sign in another way.");
  }
  if (!user.emailVerifiedAt) {
    await recordAudit({ actor: { type: "anonymous" }, action: "login.failed", target: { type: "user", id: user.id }, result: "failure", context: ctx, details: { reason: "email_unverified", method: "passkey", factorId, ...forApp } });
    await recordIdentityEvent({ type: "user.sign_in_failed", userId: user.id, data: { reason: "email_unverified" } });
    throw new UserError("email_unverified", "Verify your email address first: open the link we emailed you, then sign in with your password. Passkeys work once the address is verified.");
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await recordAudit({ actor: { type: "anonymous" }, action: "login.throttled", target: { type: "user", id: user.id }, result: "failure", context: ctx, details: { reason: "locked", method: "passkey", ...forApp } });
    await recordIdentityEvent({ type: "user.sign_in_failed", userId: user.id, data: { reason: "account_locked" } });
    throw new UserError("locked", lockedUntilMessage(user.lockedUntil, now));
  }
  await recordSignInTime(user.id, now);
  await recordAudit({ actor: { type: "user", id: user.id }, action: "login.succeeded", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { method: "passkey", factorId, ...forApp } });
  return user;
}
