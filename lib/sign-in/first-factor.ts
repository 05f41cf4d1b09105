// Between the first factor and the session: the facts gathered (risk assessment, the account's
// factors, this browser's trusted-device token), the next step decided (decision.ts), and carried out.
import "server-only";
import { recordIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { config } from "@/lib/config";
import { hasSecondFactor, isTrustedDevice, secondStepMethods, STRONG_METHODS } from "@/lib/factors";
import { applicationOfSignIn, emailCodeWithStrongFactorFor } from "@/lib/oidc";
import { assessSignIn, DENIED_MESSAGE, ipListOf, refuseAssessment, RiskError } from "@/lib/risk";
import { authenticateWithPasskey, authenticateWithPassword, forcePasswordReset, lockAccount, lockedMessage, UserError, type UserRecord } from "@/lib/users";
import type { BrowserCookies, CookieChanges } from "./cookies";
import { decideNextStep, trustedDeviceCounts } from "./decision";
import { beginPendingSignIn, PENDING_LIFETIME_MINUTES } from "./pending-sign-in";
import { completeSignIn } from "./terms-acceptance";

export interface FirstFactor {
  user: UserRecord;
  method: "password" | "passkey" | "federated";
  /** federated: the sign-in's `amr` so far ("fed", and what a trusted upstream asserted). */
  upstreamAmr?: readonly string[];
  /** federated: the upstream identity it came through (kept with the session). */
  linkedIdentityId?: string;
  /** The password typed, for the compromised-password check. */
  password?: string;
  /** Where the sign-in continues once complete. */
  next: string;
  /** The application it is for, when already looked up (applicationOfSignIn). */
  application?: SignInApplication;
}

type SignInApplication = Awaited<ReturnType<typeof applicationOfSignIn>>;

export interface SignInOutcome {
  /** `next` (signed in), or the second step's page. */
  redirectTo: string;
  cookies: CookieChanges;
}

export const SECOND_STEP_PATH = "/login/verify";

const ADMIN_RESET_MESSAGE = "Your administrator asked you to choose a new password before signing in. We emailed you a link to set it.";

const COMPROMISED_PASSWORD_MESSAGE =
  "This password is on a list of passwords known to attackers, so it cannot sign you in any more. We emailed you a link to choose a new one.";

/**
 * Before any credential is checked: an address on the deny list gets nowhere (not even a password
 * check to learn from), and is not told why.
 */
export async function refuseDeniedAddress(ctx: RequestContext): Promise<void> {
  if ((await ipListOf(ctx.ip)) !== "deny") return;
  await recordAudit({ actor: { type: "anonymous" }, action: "login.denied_address", result: "failure", context: ctx });
  throw new RiskError("denied", DENIED_MESSAGE);
}

/**
 * The login form's password sign-in: the address checked before any password is, the password
 * (lib/users: throttle, lock, same answer for unknown emails), then the next step. The password
 * goes no further than lib/users and the risk engine's compromised-password check.
 */
export async function signInWithPassword(input: { email: string; password: string; next: string }, ctx: RequestContext, browser: BrowserCookies): Promise<SignInOutcome> {
  await refuseDeniedAddress(ctx);
  const application = await applicationOfSignIn(input.next, browser.interactionBinding);
  const user = await authenticateWithPassword({ email: input.email, password: input.password, clientId: application?.clientId }, ctx);
  return continueAfterFirstFactor({ user, method: "password", password: input.password, next: input.next, application }, ctx, browser);
}

/** Passwordless sign-in with a passkey: the browser's signed answer to a sign-in challenge. */
export async function signInWithPasskey(response: unknown, next: string, ctx: RequestContext, browser: BrowserCookies): Promise<SignInOutcome> {
  await refuseDeniedAddress(ctx);
  const application = await applicationOfSignIn(next, browser.interactionBinding);
  const user = await authenticateWithPasskey(response, ctx, { clientId: application?.clientId });
  return continueAfterFirstFactor({ user, method: "passkey", next, application }, ctx, browser);
}

/** Where the browser goes next and the cookies it gets. Throws to refuse. */
export async function continueAfterFirstFactor(first: FirstFactor, ctx: RequestContext, browser: BrowserCookies): Promise<SignInOutcome> {
  const { user } = first;
  // An administrator required a new password (lib/users requirePasswordReset): whoever holds the
  // old one, or a passkey, gets no session; a reset link is mailed (throttled) instead.
  if (user.passwordResetRequiredAt) {
    await forcePasswordReset(user.id, ctx, "administrator");
    throw new UserError("password_reset_required", ADMIN_RESET_MESSAGE);
  }
  // An OIDC sign-in continues to /oauth2/authorize?interaction=…: the stored request says which
  // application it is for and what it asks (acr_values, a transaction value), for per-application
  // rules and the transaction step-up.
  const application = "application" in first ? first.application : await applicationOfSignIn(first.next, browser.interactionBinding);
  const risk = await assessSignIn({ userId: user.id, method: first.method, ctx, deviceCookie: browser.deviceId, password: first.password, next: first.next, application });
  const needsFactors = first.method !== "passkey" && (risk.action === "allow" || risk.action === "mfa" || risk.action === "strong_mfa");
  const twoStep = needsFactors && (await hasSecondFactor(user.id));
  const strongMethods = needsFactors && risk.action === "strong_mfa" ? (await secondStepMethods(user.id)).filter((m) => STRONG_METHODS.includes(m)) : [];
  const facts = { action: risk.action, method: first.method, upstreamAmr: first.upstreamAmr, hasSecondFactor: twoStep, strongMethods };
  const trustedDevice = trustedDeviceCounts(facts) && (await isTrustedDevice(user.id, browser.trustedDevice));
  const step = decideNextStep({ ...facts, trustedDevice });

  switch (step.kind) {
    case "deny":
      if (step.risky) await refuseAssessment(risk.id);
      await recordIdentityEvent({ type: "user.sign_in_failed", userId: user.id, data: { reason: "risk_denied" } });
      throw new RiskError("denied", DENIED_MESSAGE);
    case "lock":
      await lockAccount(user, ctx, "risk");
      throw new UserError("locked", lockedMessage(config().LOGIN_LOCK_MINUTES));
    case "reset_password":
      await refuseAssessment(risk.id);
      await recordIdentityEvent({ type: "user.sign_in_failed", userId: user.id, data: { reason: "compromised_password" } });
      await forcePasswordReset(user.id, ctx);
      throw new RiskError("denied", COMPROMISED_PASSWORD_MESSAGE);
    case "allow":
      if (step.via === "trusted_device") {
        await recordAudit({ actor: { type: "user", id: user.id }, action: "login.trusted_device", target: { type: "user", id: user.id }, result: "success", context: ctx });
      }
      return completeSignIn(user.id, step.amr, risk.id, first.next, ctx, browser, first.linkedIdentityId ?? null);
    case "second_step":
    case "emailed_code": {
      // An emailed code only for accounts without a stronger factor, unless the application widened it.
      const emailCodeWithStrongFactor = await emailCodeWithStrongFactorFor(first.next);
      const methods = step.kind === "second_step" ? step.methods : [];
      const token = await beginPendingSignIn(user.id, first.next, step.amr, new Date(), { riskAssessmentId: risk.id, methods, emailCodeWithStrongFactor, linkedIdentityId: first.linkedIdentityId });
      return { redirectTo: SECOND_STEP_PATH, cookies: { pendingSignIn: { token, maxAgeSeconds: PENDING_LIFETIME_MINUTES * 60 } } };
    }
  }
}
