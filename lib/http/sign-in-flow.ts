// The sign-in journey's cookies (lib/sign-in decides, this adapter reads and sets): what the
// browser holds goes in as values, and the cookies the outcome carries are set.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { acceptAndSignIn, completeSignIn, declineTerms, documentsToAccept, signInWithPasskey as passkeySignIn, signInWithPassword as passwordSignIn, type BrowserCookies, type CookieChanges, type SignInOutcome } from "@/lib/sign-in";
import { interactionBinding } from "./interaction-cookie";
import { clearPendingSignInCookie, deviceIdCookie, pendingSignInToken, sessionTokenFromCookie, setDeviceIdCookie, setPendingSignInCookie, setSessionCookie, trustedDeviceToken } from "./session-cookie";

/** The cookies a sign-in reads. */
export async function browserCookies(): Promise<BrowserCookies> {
  const [sessionToken, deviceId, trustedDevice, binding] = await Promise.all([sessionTokenFromCookie(), deviceIdCookie(), trustedDeviceToken(), interactionBinding()]);
  return { sessionToken, deviceId, trustedDevice, interactionBinding: binding };
}

export async function setSignInCookies(changes: CookieChanges): Promise<void> {
  if (changes.session) await setSessionCookie(changes.session);
  if (changes.pendingSignIn) await setPendingSignInCookie(changes.pendingSignIn.token, changes.pendingSignIn.maxAgeSeconds);
  if (changes.deviceId) await setDeviceIdCookie(changes.deviceId);
}

async function followThrough(outcome: SignInOutcome): Promise<string> {
  await setSignInCookies(outcome.cookies);
  return outcome.redirectTo;
}

/** Returns where the browser goes next: `next` (signed in), or the second step. Throws to refuse. */
export async function signInWithPassword(input: { email: string; password: string; next: string }, ctx: RequestContext): Promise<string> {
  return followThrough(await passwordSignIn(input, ctx, await browserCookies()));
}

/** The same for a passkey's signed answer to a sign-in challenge. */
export async function signInWithPasskey(response: unknown, next: string, ctx: RequestContext): Promise<string> {
  return followThrough(await passkeySignIn(response, next, ctx, await browserCookies()));
}

/**
 * Signs in with these factors (the second step done): the session starts and its cookies are set,
 * or, when new terms await acceptance, a pending sign-in does. Returns where the browser goes next.
 * The caller clears the second step's pending cookie first.
 */
export async function startSignedInSession(userId: string, amr: string[], riskAssessmentId: string | null, next: string, ctx: RequestContext, linkedIdentityId: string | null = null): Promise<string> {
  return followThrough(await completeSignIn(userId, amr, riskAssessmentId, next, ctx, await browserCookies(), linkedIdentityId));
}

/** The terms interrupt (/login/terms): what to accept, for the pending sign-in in this browser. */
export async function termsToAccept() {
  return documentsToAccept(await pendingSignInToken());
}

/** Accepts and signs in; returns where the sign-in continues. */
export async function acceptTermsAndSignIn(documentIds: string[], ctx: RequestContext): Promise<string> {
  const outcome = await acceptAndSignIn(await pendingSignInToken(), documentIds, ctx, await browserCookies());
  await clearPendingSignInCookie();
  return followThrough(outcome);
}

/** Declines: the pending sign-in ends, its cookie goes, no session. */
export async function declineTermsAndSignOut(ctx: RequestContext): Promise<void> {
  await declineTerms(await pendingSignInToken(), ctx);
  await clearPendingSignInCookie();
}
