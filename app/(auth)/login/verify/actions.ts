"use server";
import { redirect } from "next/navigation";
import { MfaError, passkeyAuthenticationOptions, secondStepInputSchema, trustDevice, type SentCodeChannel } from "@/lib/factors";
import { completeSecondStep, findPendingSecondStep, sendSignInCode, type SecondStepInput } from "@/lib/sign-in";
import type { PasskeyOptionsState } from "@/components/auth/passkey-types";
import { clearPendingSignInCookie, fieldErrorsOf, formErrorFrom, pendingSignInToken, rememberSecondFactorMethod, requestContext, safeNextPath, setTrustedDeviceCookie, startSignedInSession, type FormState } from "@/lib/http";

export async function verifySecondFactorAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = secondStepInputSchema.safeParse({ method: form.get("method"), code: form.get("code") ?? "" });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error) };
  const result = await finishSecondStep(parsed.data, form.get("trust") === "on");
  if (result.redirectTo && form.get("js") !== "1") redirect(result.redirectTo);
  return result;
}

/** A challenge for the passkeys of the user who is signing in. */
export async function passkeySecondStepOptionsAction(): Promise<PasskeyOptionsState> {
  try {
    const pending = await findPendingSecondStep(await pendingSignInToken());
    if (!pending) throw new MfaError("expired", "This sign-in has expired. Sign in again.");
    return { options: await passkeyAuthenticationOptions("second-step", pending.userId, await requestContext()) };
  } catch (e) {
    return formErrorFrom(e);
  }
}

export async function verifyPasskeySecondStepAction(response: unknown, trust: boolean): Promise<FormState> {
  return finishSecondStep({ method: "passkey", assertion: response }, trust === true);
}

/** Checks the factor; on success the session starts and `redirectTo` says where the sign-in continues. */
async function finishSecondStep(input: SecondStepInput, trust: boolean): Promise<FormState> {
  const ctx = await requestContext();
  try {
    const done = await completeSecondStep(await pendingSignInToken(), input, ctx);
    await startSignedInSession(done.userId, done.amr, done.riskAssessmentId, ctx);
    await clearPendingSignInCookie();
    // The next sign-in opens on the same method (a recovery code is a last resort, not a habit).
    if (input.method !== "recovery") await rememberSecondFactorMethod(input.method);
    if (trust) {
      const device = await trustDevice(done.userId, ctx);
      await setTrustedDeviceCookie(device.token, device.maxAgeSeconds);
    }
    return { ok: true, redirectTo: safeNextPath(done.next) };
  } catch (e) {
    if (e instanceof MfaError && (e.code === "expired" || e.code === "too_many_attempts")) await clearPendingSignInCookie();
    return formErrorFrom(e);
  }
}

async function sendCode(channel: SentCodeChannel): Promise<FormState> {
  try {
    const { sentTo } = await sendSignInCode(await pendingSignInToken(), channel, await requestContext());
    return { ok: true, message: `We sent a code to ${sentTo}.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}

export async function sendEmailCodeAction(): Promise<FormState> {
  return sendCode("email");
}

export async function sendSmsCodeAction(): Promise<FormState> {
  return sendCode("sms");
}
