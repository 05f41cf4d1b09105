// Between the first factor and the session: the risk engine's decision (lib/risk) made real.
// allow: on as before (a second step when the account has one, unless this browser is trusted);
// mfa: a second step even without an enrolled factor (an emailed code), a trusted browser counts;
// strong_mfa: a passkey or authenticator app only, no trusted-browser shortcut, refused without one;
// reset_password: no session, a reset link by mail; lock: the account locks; deny: refused, unexplained.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { beginPendingSignIn, hasSecondFactor, isTrustedDevice, PASSKEY_AMR, PENDING_LIFETIME_MINUTES, secondStepMethods, STRONG_METHODS } from "@/lib/mfa";
import { assessSignIn, completeAssessment, deviceHashOf, DENIED_MESSAGE, ipListOf, newDeviceCookieValue, refuseAssessment, RiskError, type Assessment } from "@/lib/risk";
import { forcePasswordReset, lockAccount, lockedMessage, notifyNewDeviceSignIn, UserError, type UserRecord } from "@/lib/users";
import { config } from "@/lib/config";
import { applicationOfSignIn, emailCodeWithStrongFactorFor } from "@/lib/oidc";
import { interactionBinding } from "./interaction-cookie";
import { deviceIdCookie, setDeviceIdCookie, setPendingSignInCookie, trustedDeviceToken } from "./session-cookie";
import { startPortalSession } from "./sign-in";

export interface FirstFactor {
  user: UserRecord;
  method: "password" | "passkey";
  /** The password typed, for the compromised-password check. */
  password?: string;
  /** Where the sign-in continues once complete. */
  next: string;
}

/**
 * Before any credential is checked: an address on the deny list gets nowhere (not even a password
 * check to learn from), and is not told why.
 */
export async function refuseDeniedAddress(ctx: RequestContext): Promise<void> {
  if ((await ipListOf(ctx.ip)) !== "deny") return;
  await recordAudit({ actor: { type: "anonymous" }, action: "login.denied_address", result: "failure", context: ctx });
  throw new RiskError("denied", DENIED_MESSAGE);
}

/** Returns where the browser goes next: `next` (signed in), or the second step. Throws to refuse. */
export async function continueAfterFirstFactor(first: FirstFactor, ctx: RequestContext): Promise<string> {
  const { user } = first;
  // An OIDC sign-in continues to /oauth2/authorize?interaction=…: the stored request says which
  // application it is for and what it asks (acr_values, a transaction value), for per-application
  // rules and the transaction step-up.
  const application = await applicationOfSignIn(first.next, await interactionBinding());
  const risk = await assessSignIn({ userId: user.id, method: first.method, ctx, deviceCookie: await deviceIdCookie(), password: first.password, next: first.next, application });
  await refuseIfRequired(risk, user, ctx);

  if (first.method === "passkey") {
    // A user-verified passkey is already the strongest second factor there is.
    await startPortalSession(user.id, ctx, [...PASSKEY_AMR, "mfa"]);
    await finishSignIn(risk.id, user.id, ctx);
    return first.next;
  }
  const strong = risk.action === "strong_mfa";
  const twoStep = await hasSecondFactor(user.id);
  if (!strong && !twoStep && risk.action === "allow") {
    await startPortalSession(user.id, ctx, ["pwd"]);
    await finishSignIn(risk.id, user.id, ctx);
    return first.next;
  }
  if (!strong && twoStep && (await isTrustedDevice(user.id, await trustedDeviceToken()))) {
    // A browser trusted after a second step (30 days) stands in for it: still two factors, the
    // password and this device's token.
    await recordAudit({ actor: { type: "user", id: user.id }, action: "login.trusted_device", target: { type: "user", id: user.id }, result: "success", context: ctx });
    await startPortalSession(user.id, ctx, ["pwd", "mfa"]);
    await finishSignIn(risk.id, user.id, ctx);
    return first.next;
  }
  const methods = strong ? (await secondStepMethods(user.id)).filter((m) => STRONG_METHODS.includes(m)) : [];
  if (strong && methods.length === 0) {
    // High risk and nothing phishing-resistant to ask for: an emailed code would not prove enough.
    await refuseAssessment(risk.id);
    throw new RiskError("denied", DENIED_MESSAGE);
  }
  // The password alone opens nothing: a pending sign-in waits for the second factor.
  // An emailed code only for accounts without a stronger factor, unless the application widened it.
  const emailCodeWithStrongFactor = await emailCodeWithStrongFactorFor(first.next);
  const token = await beginPendingSignIn(user.id, first.next, ["pwd"], new Date(), { riskAssessmentId: risk.id, methods, emailCodeWithStrongFactor });
  await setPendingSignInCookie(token, PENDING_LIFETIME_MINUTES * 60);
  return "/login/verify";
}

async function refuseIfRequired(risk: Assessment, user: UserRecord, ctx: RequestContext): Promise<void> {
  switch (risk.action) {
    case "deny":
      throw new RiskError("denied", DENIED_MESSAGE);
    case "lock":
      await lockAccount(user, ctx, "risk");
      throw new UserError("locked", lockedMessage(config().LOGIN_LOCK_MINUTES));
    case "reset_password":
      await refuseAssessment(risk.id);
      await forcePasswordReset(user.id, ctx);
      throw new RiskError("denied", "This password is on a list of passwords known to attackers, so it cannot sign you in any more. We emailed you a link to choose a new one.");
  }
}

/**
 * The sign-in succeeded (with its second step, if any): it joins the account's history, the
 * browser keeps a device id, and a first sign-in from this browser is reported to the owner.
 */
export async function finishSignIn(riskAssessmentId: string | null, userId: string, ctx: RequestContext): Promise<void> {
  if (!riskAssessmentId) return;
  let cookie = await deviceIdCookie();
  let hash = deviceHashOf(cookie);
  if (!hash) {
    cookie = newDeviceCookieValue();
    hash = deviceHashOf(cookie)!;
    await setDeviceIdCookie(cookie);
  }
  const result = await completeAssessment(riskAssessmentId, { hash, userAgent: ctx.userAgent });
  if (result.firstFromDevice) await notifyNewDeviceSignIn(userId, { device: result.device, place: result.place, at: result.at });
}
