// Signing an account out everywhere, the one way every recovery does it (password reset, "this
// wasn't me", an email change switched back): every portal session ends, every trusted browser
// asks for the second step again, and the applications lose every grant, offline_access included
// (whoever got in may hold a refresh token), after a back-channel logout token is queued for each
// session's clients (OpenID Connect Back-Channel Logout 1.0 §2.5). One transaction: all of it or
// nothing, and a failure is thrown to the caller, never only logged.
//
// Its variant for the owner acting from one session (a password change, "sign out all other
// sessions"): the same, but that session and the grants made in it stay, so the browser and the
// applications the owner is using keep working; whoever else is in the account is out.
import "server-only";
import { recordAudit, type AuditActor, type RequestContext } from "@/lib/audit";
import { revokeTrustedDevicesOf } from "@/lib/factors";
import { cutOffApplicationsIn, prepareApplicationsCutOff, type ApplicationsCutOff } from "@/lib/oidc";
import { kickOutbox } from "@/lib/outbox";
import { revokeAllSessions } from "@/lib/sessions";
import { withTransaction, type Tx } from "./sign-in.repo";

export interface SignedOutEverywhere {
  sessionsRevoked: number;
  trustedDevicesForgotten: number;
  /** Back-channel logout tokens queued. */
  applicationsNotified: number;
  grantsRevoked: number;
}

/** An administrator's sign-out (the console): audited as theirs, with what else belongs in its transaction (the owner's mail). */
export interface SignOutBy {
  actor: AuditActor;
  alsoIn?: (tx: Tx) => Promise<void>;
}

export async function signOutEverywhere(userId: string, reason: string, ctx: RequestContext, now = new Date(), by?: SignOutBy): Promise<SignedOutEverywhere> {
  // The logout tokens are signed first: signing may read the key ring, which must not wait on this transaction.
  const cutOff = await prepareApplicationsCutOff(userId, now);
  const done = await withTransaction(async (tx) => {
    const result = await signOutIn(cutOff, reason, ctx, tx, now);
    await recordAudit({ actor: by?.actor ?? { type: "system" }, action: "user.signed_out_everywhere", target: { type: "user", id: userId }, result: "success", context: ctx, details: { reason, ...result } }, tx);
    await by?.alsoIn?.(tx);
    return result;
  });
  if (by?.alsoIn) kickOutbox();
  if (done.applicationsNotified) kickOutbox();
  return done;
}

/** What signing out every other session will do, prepared (logout tokens signed) before its transaction. */
export type OtherSessionsSignOut = ApplicationsCutOff & { keepSessionId: string };

export async function prepareOtherSessionsSignOut(userId: string, keepSessionId: string, now = new Date()): Promise<OtherSessionsSignOut> {
  return { ...(await prepareApplicationsCutOff(userId, now, { keepSessionId })), keepSessionId };
}

/**
 * Every session but `keepSessionId` ends, trusted browsers are forgotten (this one's too: the cookie
 * is not known here), and every grant not made in the kept session is revoked, offline_access
 * included. In the caller's transaction (a password change writes its hash in the same one); the
 * caller kicks the outbox once it commits when `applicationsNotified` is not 0.
 */
export async function signOutOtherSessionsIn(prepared: OtherSessionsSignOut, reason: string, ctx: RequestContext, tx: Tx, now = new Date()): Promise<SignedOutEverywhere> {
  const result = await signOutIn(prepared, reason, ctx, tx, now);
  await recordAudit(
    { actor: { type: "user", id: prepared.userId }, action: "user.signed_out_other_sessions", target: { type: "user", id: prepared.userId }, result: "success", context: ctx, details: { reason, keptSession: prepared.keepSessionId, ...result } },
    tx,
  );
  return result;
}

/** The owner's "sign out all other sessions", from the session `keepSessionId`. */
export async function signOutOtherSessions(userId: string, keepSessionId: string, ctx: RequestContext, now = new Date()): Promise<SignedOutEverywhere> {
  const prepared = await prepareOtherSessionsSignOut(userId, keepSessionId, now);
  const done = await withTransaction((tx) => signOutOtherSessionsIn(prepared, "user_request", ctx, tx, now));
  if (done.applicationsNotified) kickOutbox();
  return done;
}

async function signOutIn(cutOff: ApplicationsCutOff, reason: string, ctx: RequestContext, tx: Tx, now: Date): Promise<SignedOutEverywhere> {
  const sessionsRevoked = await revokeAllSessions(cutOff.userId, reason, { tx, exceptId: cutOff.keepSessionId });
  const trustedDevicesForgotten = await revokeTrustedDevicesOf(cutOff.userId, tx, now);
  const applications = await cutOffApplicationsIn(cutOff, reason, ctx, tx);
  return { sessionsRevoked, trustedDevicesForgotten, applicationsNotified: applications.notified, grantsRevoked: applications.revokedGrants };
}
