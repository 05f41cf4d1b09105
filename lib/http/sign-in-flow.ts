// The sign-in journey's cookies (lib/sign-in decides, this adapter reads and sets): what the
// browser holds goes in as values, and the cookies the outcome carries are set.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { signIn, signInWithPasskey as passkeySignIn, signInWithPassword as passwordSignIn, type BrowserCookies, type CookieChanges, type SignInOutcome } from "@/lib/sign-in";
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

/** Signs in with these factors (the second step done): the session starts and its cookies are set. */
export async function startSignedInSession(userId: string, amr: string[], riskAssessmentId: string | null, ctx: RequestContext): Promise<void> {
  await setSignInCookies(await signIn(userId, amr, riskAssessmentId, ctx, await browserCookies()));
}
