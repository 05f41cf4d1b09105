// The sign-in journey's cookies (lib/sign-in decides, this adapter reads and sets): what the
// browser holds goes in as values, and the cookies the outcome carries are set.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { continueAfterFirstFactor as continueSignIn, signIn, type BrowserCookies, type CookieChanges, type FirstFactor } from "@/lib/sign-in";
import { interactionBinding } from "./interaction-cookie";
import { deviceIdCookie, sessionTokenFromCookie, setDeviceIdCookie, setPendingSignInCookie, setSessionCookie, trustedDeviceToken } from "./session-cookie";

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

/** Returns where the browser goes next: `next` (signed in), or the second step. Throws to refuse. */
export async function continueAfterFirstFactor(first: FirstFactor, ctx: RequestContext): Promise<string> {
  const outcome = await continueSignIn(first, ctx, await browserCookies());
  await setSignInCookies(outcome.cookies);
  return outcome.redirectTo;
}

/** Signs in with these factors (the second step done): the session starts and its cookies are set. */
export async function startSignedInSession(userId: string, amr: string[], riskAssessmentId: string | null, ctx: RequestContext): Promise<void> {
  await setSignInCookies(await signIn(userId, amr, riskAssessmentId, ctx, await browserCookies()));
}
