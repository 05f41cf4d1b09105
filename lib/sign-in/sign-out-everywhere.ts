// Signing an account out everywhere, the one way every recovery does it (password reset, "this
// wasn't me", an email change switched back): every portal session ends, every trusted browser
// asks for the second step again, and the applications lose every grant, offline_access included
// (whoever got in may hold a refresh token), after a back-channel logout token is queued for each
// session's clients (OpenID Connect Back-Channel Logout 1.0 §2.5). One transaction: all of it or
// nothing, and a failure is thrown to the caller, never only logged.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { revokeTrustedDevicesOf } from "@/lib/factors";
import { cutOffApplicationsIn, prepareApplicationsCutOff } from "@/lib/oidc";
import { kickOutbox } from "@/lib/outbox";
import { revokeAllSessions } from "@/lib/sessions";
import { withTransaction } from "./sign-in.repo";

export interface SignedOutEverywhere {
  sessionsRevoked: number;
  trustedDevicesForgotten: number;
  /** Back-channel logout tokens queued. */
  applicationsNotified: number;
  grantsRevoked: number;
}

export async function signOutEverywhere(userId: string, reason: string, ctx: RequestContext, now = new Date()): Promise<SignedOutEverywhere> {
  // The logout tokens are signed first: signing may read the key ring, which must not wait on this transaction.
  const cutOff = await prepareApplicationsCutOff(userId, now);
  const done = await withTransaction(async (tx) => {
    const sessionsRevoked = await revokeAllSessions(userId, reason, { tx });
    const trustedDevicesForgotten = await revokeTrustedDevicesOf(userId, tx, now);
    const applications = await cutOffApplicationsIn(cutOff, reason, ctx, tx);
    const result = { sessionsRevoked, trustedDevicesForgotten, applicationsNotified: applications.notified, grantsRevoked: applications.revokedGrants };
    await recordAudit({ actor: { type: "system" }, action: "user.signed_out_everywhere", target: { type: "user", id: userId }, result: "success", context: ctx, details: { reason, ...result } }, tx);
    return result;
  });
  if (done.applicationsNotified) kickOutbox();
  return done;
}
