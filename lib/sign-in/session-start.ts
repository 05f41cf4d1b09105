// The last step of every sign-in, whatever its factors: a new session id (no fixation), the
// browser's previous session ended (its applications hear so over the back channel), and the
// sign-in joins the account's history (risk engine; a first sign-in from this browser is reported
// to the owner). The cookies to set are returned.
import "server-only";
import { completeLinksWaitingForSignIn } from "@/lib/federation";
import type { RequestContext } from "@/lib/audit";
import { recordIdentityEvent } from "@/lib/events";
import { applicationOfSignIn, endUserSession } from "@/lib/oidc";
import { completeAssessment, deviceHashOf, newDeviceCookieValue } from "@/lib/risk";
import { createSession } from "@/lib/sessions";
import { notifyNewDeviceSignIn } from "@/lib/users";
import type { BrowserCookies, CookieChanges } from "./cookies";

/** `linkedIdentityId`: the upstream identity of a federated sign-in, kept with the session (signing out may sign out there too). */
export async function startSession(userId: string, amr: string[], ctx: RequestContext, browser: BrowserCookies, linkedIdentityId: string | null = null): Promise<Required<Pick<CookieChanges, "session">>> {
  if (browser.sessionToken) await endUserSession(browser.sessionToken, ctx);
  const session = await createSession(userId, ctx, undefined, { amr, linkedIdentityId });
  return { session: { token: session.token, userId, expiresAt: session.expiresAt } };
}

/**
 * The sign-in succeeded (with its second step, if any): it joins the account's history, the
 * browser keeps a device id, and a first sign-in from this browser is reported to the owner.
 */
export async function finishSignIn(riskAssessmentId: string | null, userId: string, ctx: RequestContext, browser: BrowserCookies): Promise<Pick<CookieChanges, "deviceId">> {
  if (!riskAssessmentId) return {};
  let cookie = browser.deviceId ?? null;
  let hash = deviceHashOf(cookie);
  const changes: Pick<CookieChanges, "deviceId"> = {};
  if (!hash) {
    cookie = newDeviceCookieValue();
    hash = deviceHashOf(cookie)!;
    changes.deviceId = cookie;
  }
  const result = await completeAssessment(riskAssessmentId, { hash, userAgent: ctx.userAgent });
  if (result.firstFromDevice) await notifyNewDeviceSignIn(userId, { device: result.device, place: result.place, at: result.at });
  return changes;
}

/**
 * Starts the session and finishes the sign-in: every cookie the browser gets. Every completed
 * sign-in passes here once, so here is its user.signed_in event (`next`: where the browser goes,
 * which names the application of an OIDC sign-in).
 */
export async function signIn(
  userId: string,
  amr: string[],
  riskAssessmentId: string | null,
  ctx: RequestContext,
  browser: BrowserCookies,
  linkedIdentityId: string | null = null,
  next: string | null = null,
): Promise<CookieChanges> {
  const started = await startSession(userId, amr, ctx, browser, linkedIdentityId);
  // An upstream identity proved by this account's password waited for the sign-in to complete.
  await completeLinksWaitingForSignIn(userId, browser.interactionBinding, ctx);
  const cookies = { ...started, ...(await finishSignIn(riskAssessmentId, userId, ctx, browser)) };
  // Only an OIDC sign-in's next (/oauth2/authorize?interaction=…) costs a lookup.
  const application = next ? await applicationOfSignIn(next, browser.interactionBinding) : undefined;
  await recordIdentityEvent({ type: "user.signed_in", userId, data: { amr: [...amr], ...(application?.clientId ? { clientId: application.clientId } : {}) } });
  return cookies;
}
