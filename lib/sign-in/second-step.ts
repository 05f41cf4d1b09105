// The second step of a sign-in: checks the factor the user offers against their pending sign-in.
// Per user at most ATTEMPTS_PER_USER wrong codes per quarter hour however many fresh sign-ins an
// attacker who knows the password starts (5 guesses per sign-in would otherwise be unlimited).
import "server-only";
import { recordIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { sha256Hex } from "@/lib/crypto";
import {
  checkTotpCode,
  markSmsFactorUsed,
  MfaError,
  oneTimeCodeMatches,
  PASSKEY_AMR,
  reportRecoveryCodeUse,
  spendSignInRecoveryCode,
  verifyPasskeyAssertion,
  type SecondFactorMethod,
  type SentCodeChannel,
} from "@/lib/factors";
import { consumeLimit, refundLimit } from "@/lib/ratelimit";
import { signInOwner } from "./owner";
import { EXPIRED_MESSAGE, findPendingSecondStep, MAX_ATTEMPTS, requireEmailCodeAllowed, type PendingSecondStep } from "./pending-sign-in";
import { addPendingAttempt, deletePendingSignIn } from "./sign-in.repo";

const ATTEMPTS_PER_USER = { keyPrefix: "mfa-attempt", points: 10, durationSeconds: 15 * 60 };

/** RFC 8176 method references each way through the second step adds to the first factor's. */
export const SECOND_STEP_AMR: Record<SecondFactorMethod, string[]> = { totp: ["otp"], recovery: ["otp"], email: ["otp"], sms: ["sms"], passkey: PASSKEY_AMR };

export type SecondStepInput = { method: Exclude<SecondFactorMethod, "passkey">; code: string } | { method: "passkey"; assertion: unknown };

export interface CompletedSecondStep {
  userId: string;
  next: string;
  amr: string[];
  riskAssessmentId: string | null;
  /** The upstream identity of a federated first factor. */
  linkedIdentityId: string | null;
}

/**
 * Checks the second factor of a pending sign-in. Success consumes the pending state (once) and
 * returns who signed in, where to go, and the session's authentication methods; a wrong code counts
 * an attempt. A recovery code is spent, audited and reported to the owner by email.
 */
export async function completeSecondStep(token: string | undefined | null, input: SecondStepInput, ctx: RequestContext, now = new Date()): Promise<CompletedSecondStep> {
  const pending = await findPendingSecondStep(token, now);
  if (!pending) throw new MfaError("expired", EXPIRED_MESSAGE);
  if (pending.methods.length && !pending.methods.includes(input.method)) throw new MfaError("not_found", "This sign-in needs a passkey or your authenticator app.");
  if (input.method === "email") await requireEmailCodeAllowed(pending);
  const tokenHash = sha256Hex(token!);
  const wait = await consumeLimit(ATTEMPTS_PER_USER, pending.userId);
  if (wait > 0) throw new MfaError("too_many_attempts", `Too many codes tried for this account. Wait ${Math.ceil(wait / 60)} minutes and sign in again.`);
  let refusal = "That code is not right.";
  const ok =
    input.method === "passkey"
      ? await verifyPasskeyAssertion(input.assertion, { purpose: "second-step", userId: pending.userId }, ctx, now).then(
          () => true,
          (e: unknown) => {
            if (!(e instanceof MfaError)) throw e;
            refusal = e.message;
            return false;
          },
        )
      : input.method === "totp"
        ? await checkTotpCode(pending.userId, input.code, now)
        : input.method === "email" || input.method === "sms"
          ? await checkSentCode(tokenHash, pending, input.method, input.code, now)
          : await spendSignInRecoveryCode(pending.userId, input.code, now);
  if (!ok) {
    const attempts = await addPendingAttempt(tokenHash);
    await recordAudit({ actor: { type: "user", id: pending.userId }, action: "login.second_factor_failed", target: { type: "user", id: pending.userId }, result: "failure", context: ctx, details: { method: input.method, attempts } });
    await recordIdentityEvent({ type: "user.sign_in_failed", userId: pending.userId, data: { reason: "second_factor_failed" } });
    if (attempts === null || attempts >= MAX_ATTEMPTS) {
      await deletePendingSignIn(tokenHash);
      throw new MfaError("too_many_attempts", "Too many failed attempts. Sign in again.");
    }
    const left = MAX_ATTEMPTS - attempts;
    const message = `${refusal} ${left} attempt${left === 1 ? "" : "s"} left.`;
    throw input.method === "passkey" ? new MfaError("passkey_refused", message) : new MfaError("invalid_code", message, "code");
  }
  if (!(await deletePendingSignIn(tokenHash))) throw new MfaError("expired", EXPIRED_MESSAGE);
  // The limit counts wrong codes: the attempt reserved above is given back.
  await refundLimit(ATTEMPTS_PER_USER, pending.userId);
  const amr = [...new Set([...pending.amr, ...SECOND_STEP_AMR[input.method], "mfa"])];
  await recordAudit({ actor: { type: "user", id: pending.userId }, action: "login.second_factor_succeeded", target: { type: "user", id: pending.userId }, result: "success", context: ctx, details: { method: input.method } });
  if (input.method === "recovery") await reportRecoveryCodeUse(pending.userId, await signInOwner(pending.userId), ctx);
  return { userId: pending.userId, next: pending.next, amr, riskAssessmentId: pending.riskAssessmentId, linkedIdentityId: pending.linkedIdentityId };
}

/** The code sent for this sign-in, by the channel the user says it came through. */
async function checkSentCode(tokenHash: string, pending: PendingSecondStep, channel: SentCodeChannel, code: string, now: Date): Promise<boolean> {
  const sent = pending.sentCode;
  const ok = Boolean(sent && sent.channel === channel && sent.expiresAt > now && oneTimeCodeMatches(code, tokenHash, sent.hash));
  if (ok && channel === "sms") await markSmsFactorUsed(pending.userId, now);
  return ok;
}
