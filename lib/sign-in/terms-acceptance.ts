// The last gate of a sign-in: a version of the terms or the privacy notice that requires acceptance
// and that the customer has not accepted yet. Once every factor is proved, `completeSignIn` either
// starts the session or parks the sign-in (a PendingSignIn marked awaitingAcceptance, holding the
// factors, the risk assessment and where the customer was going: the portal, or an application's
// /oauth2/authorize) and sends the browser to /login/terms. Accepting starts the session and
// continues there; declining ends the pending sign-in, so the customer stays signed out.
// Cost on the sign-in path: the current versions come from lib/legal's process cache, and one
// query (the customer's acceptances of them) runs only while some current version requires acceptance.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { recordAudit } from "@/lib/audit";
import { sha256Hex } from "@/lib/crypto";
import { isRandomToken } from "@/lib/formats";
import { acceptDocuments, pendingAcceptances, LegalError, type VersionHeader } from "@/lib/legal";
import type { BrowserCookies, CookieChanges } from "./cookies";
import { beginPendingSignIn, EXPIRED_MESSAGE, PENDING_LIFETIME_MINUTES } from "./pending-sign-in";
import { deletePendingSignIn, findPendingSignIn } from "./sign-in.repo";
import { signIn } from "./session-start";

export const TERMS_PATH = "/login/terms";

/** Every factor proved: the session starts (redirect to `next`), or the customer is asked to accept first. */
export async function completeSignIn(
  userId: string,
  amr: string[],
  riskAssessmentId: string | null,
  next: string,
  ctx: RequestContext,
  browser: BrowserCookies,
  linkedIdentityId: string | null = null,
): Promise<{ redirectTo: string; cookies: CookieChanges }> {
  if ((await pendingAcceptances(userId)).length === 0) return { redirectTo: next, cookies: await signIn(userId, amr, riskAssessmentId, ctx, browser, linkedIdentityId, next) };
  const token = await beginPendingSignIn(userId, next, amr, new Date(), { riskAssessmentId: riskAssessmentId ?? undefined, awaitingAcceptance: true, linkedIdentityId });
  return { redirectTo: TERMS_PATH, cookies: { pendingSignIn: { token, maxAgeSeconds: PENDING_LIFETIME_MINUTES * 60 } } };
}

async function pendingAcceptanceOf(token: string | null | undefined, now = new Date()) {
  if (!token || !isRandomToken(token)) return null;
  const pending = await findPendingSignIn(sha256Hex(token));
  if (!pending || !pending.awaitingAcceptance || pending.expiresAt <= now) return null;
  return pending;
}

/** What the interrupt page shows: the versions to accept; null when there is no such sign-in (expired, or another kind). */
export async function documentsToAccept(token: string | null | undefined): Promise<VersionHeader[] | null> {
  const pending = await pendingAcceptanceOf(token);
  return pending ? pendingAcceptances(pending.userId) : null;
}

/**
 * The customer accepts the versions the page showed (`documentIds`): recorded and audited, the
 * pending sign-in spent, the session started. A version published since the page was shown is
 * `not_current` (the page shows the new one).
 */
export async function acceptAndSignIn(token: string | null | undefined, documentIds: string[], ctx: RequestContext, browser: BrowserCookies): Promise<{ redirectTo: string; cookies: CookieChanges }> {
  const pending = await pendingAcceptanceOf(token);
  if (!pending) throw new LegalError("not_found", EXPIRED_MESSAGE);
  const required = await pendingAcceptances(pending.userId);
  if (required.some((v) => !documentIds.includes(v.id))) throw new LegalError("not_current", "Our terms changed while this page was open. Read the current version and accept it.");
  if (required.length) await acceptDocuments(pending.userId, required.map((v) => v.id), ctx);
  if (!(await deletePendingSignIn(pending.tokenHash))) throw new LegalError("not_found", EXPIRED_MESSAGE);
  return { redirectTo: pending.next, cookies: await signIn(pending.userId, pending.amr, pending.riskAssessmentId, ctx, browser, pending.linkedIdentityId, pending.next) };
}

/** The customer declines: the pending sign-in ends and no session starts. */
export async function declineTerms(token: string | null | undefined, ctx: RequestContext): Promise<void> {
  const pending = await pendingAcceptanceOf(token);
  if (!pending) return;
  await deletePendingSignIn(pending.tokenHash);
  await recordAudit({ actor: { type: "user", id: pending.userId }, action: "legal.declined", target: { type: "user", id: pending.userId }, result: "failure", context: ctx, details: { documents: (await pendingAcceptances(pending.userId)).map((v) => ({ kind: v.kind, version: v.version })) } });
}
