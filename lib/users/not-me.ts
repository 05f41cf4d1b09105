// What the risk engine asks of the users domain: tell the owner about a sign-in from a new device
// (with a "this wasn't me" link), act on that link (lock, remove recent sign-in methods, and send a
// password-reset link, the only way back in; lib/sign-in then signs the account out everywhere), and force a password reset
// when the password used is known to be compromised.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { consumeLimit } from "@/lib/ratelimit";
import { publicLink } from "./links";
import { issueUserToken, redeemToken } from "./user-tokens";
import { UserError } from "./users.errors";
import { findUserById, withTransaction, type Tx, type UserRecord } from "./users.repo";
import { evictIntruder } from "./eviction";

export async function notifyNewDeviceSignIn(userId: string, sighting: { device: string; place: string; at: Date }): Promise<void> {
  const user = await findUserById(userId);
  if (!user) return;
  await withTransaction(async (tx) => {
    const token = await issueUserToken(user.id, "not_me", { tx });
    await enqueueMail(
      {
        to: user.email,
        template: "new-sign-in",
        data: {
          device: sighting.device,
          place: sighting.place,
          at: `${sighting.at.toISOString().slice(0, 16).replace("T", " ")} UTC`,
          notMeLink: publicLink("/not-me", { token }),
          securityLink: publicLink("/account/security"),
          name: user.displayName ?? undefined,
        },
      },
      tx,
    );
  });
  kickOutbox();
}

/**
 * The owner says a sign-in was not theirs. The link works once. The account is secured
 * (eviction.ts): the sign-in methods added recently go at once; the reset that follows can remove
 * the rest. Returns the account (for the caller to sign out everywhere) and what was removed.
 */
export async function reportNotMe(token: string, ctx: RequestContext, now = new Date()): Promise<{ userId: string; methodsRemoved: string[] }> {
  const done = await withTransaction(async (tx) => {
    const t = await redeemToken(token, "not_me", { tx, now });
    const user = t ? await findUserById(t.userId, tx) : null;
    if (!user) throw new UserError("invalid_token", "This link has expired or was already used. If you still think someone else is in your account, reset your password.");
    return secureReportedAccount(user, { via: "mail" }, ctx, tx, now);
  });
  kickOutbox();
  return done;
}

/**
 * The signed-in owner reports an entry of their activity (`eventId`, already checked to be one of
 * their own by the caller) as not theirs: the account is secured exactly as from the mail's link.
 */
export async function reportActivityNotMe(userId: string, eventId: string, ctx: RequestContext, now = new Date()): Promise<{ userId: string; methodsRemoved: string[] }> {
  const done = await withTransaction(async (tx) => {
    const user = await findUserById(userId, tx);
    if (!user) throw new UserError("not_found", "This account no longer exists.");
    return secureReportedAccount(user, { via: "activity", eventId }, ctx, tx, now);
  });
  kickOutbox();
  return done;
}

async function secureReportedAccount(user: UserRecord, report: Record<string, string>, ctx: RequestContext, tx: Tx, now: Date): Promise<{ userId: string; methodsRemoved: string[] }> {
  const evicted = await evictIntruder(user, "reported_not_me", ctx, tx, now);
  await recordAudit({ actor: { type: "user", id: user.id }, action: "user.reported_not_me", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { ...report, methodsRemoved: evicted.methodsRemoved.length } }, tx);
  return { userId: user.id, methodsRemoved: evicted.methodsRemoved };
}

/** One forced-reset mail per account in 15 minutes: repeating the sign-in must not flood the mailbox. */
const FORCED_RESETS_PER_USER = { keyPrefix: "forced-reset", points: 1, durationSeconds: 15 * 60 };

/**
 * The password typed is known to attackers, or an administrator required a new one: no session until it is replaced; a reset link is mailed,
 * unless one was mailed in the last 15 minutes (that link still works: a new one would retire it).
 * The caller answers the same either way.
 */
export async function forcePasswordReset(userId: string, ctx: RequestContext, reason: "compromised_password" | "administrator" = "compromised_password"): Promise<void> {
  const user = await findUserById(userId);
  if (!user) return;
  const audit = { actor: { type: "system" }, action: "password.reset_forced", target: { type: "user", id: user.id }, context: ctx } as const;
  const wait = await consumeLimit(FORCED_RESETS_PER_USER, user.id);
  if (wait > 0) {
    await recordAudit({ ...audit, result: "success", details: { reason, mailed: false, retryAfterSeconds: wait } });
    return;
  }
  await withTransaction(async (tx) => {
    const token = await issueUserToken(user.id, "reset_password", { tx });
    await enqueueMail({ to: user.email, template: "reset-password", data: { link: publicLink("/reset-password", { token }), name: user.displayName ?? undefined } }, tx);
    await recordAudit({ ...audit, result: "success", details: { reason, mailed: true } }, tx);
  });
  kickOutbox();
}
