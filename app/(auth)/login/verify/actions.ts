"use server";
import { redirect } from "next/navigation";
import { MfaError, passkeyAuthenticationOptions, secondStepInputSchema, trustDevice, type SentCodeChannel } from "@/lib/factors";
import { completeSecondStep, findPendingSecondStep, sendSignInCode, type SecondStepInput } from "@/lib/sign-in";
import type { PasskeyOptionsState } from "@/components/auth/passkey-types";
import { z } from "zod";
import { clearPendingSignInCookie, noInput, pendingSignInToken, publicAction, rememberSecondFactorMethod, requestContext, safeNextPath, setTrustedDeviceCookie, startSignedInSession, type FormState } from "@/lib/http";

/** The code form: the method, the code, and "trust this browser". */
const codeFormSchema = secondStepInputSchema.extend({ trust: z.boolean(), scripted: z.boolean() });

export const verifySecondFactorAction = publicAction(
  {
    schema: codeFormSchema,
    input: (_prev: FormState, form: FormData) => ({ method: form.get("method"), code: form.get("code") ?? "", trust: form.get("trust") === "on", scripted: form.get("js") === "1" }),
  },
  async ({ trust, scripted, ...step }): Promise<FormState> => {
    const result = await finishSecondStep(step, trust);
    if (result.redirectTo && !scripted) redirect(result.redirectTo);
    return result;
  },
);

/** A challenge for the passkeys of the user who is signing in. */
export const passkeySecondStepOptionsAction = publicAction(noInput, async (): Promise<PasskeyOptionsState> => {
  const pending = await findPendingSecondStep(await pendingSignInToken());
  if (!pending) throw new MfaError("expired", "This sign-in has expired. Sign in again.");
  return { options: await passkeyAuthenticationOptions("second-step", pending.userId, await requestContext()) };
});

export const verifyPasskeySecondStepAction = publicAction(
  { schema: z.object({ assertion: z.unknown(), trust: z.boolean().catch(false) }), input: (response: unknown, trust: boolean) => ({ assertion: response, trust }) },
  ({ assertion, trust }) => finishSecondStep({ method: "passkey", assertion }, trust),
);

/** Checks the factor; on success the session starts and `redirectTo` says where the sign-in continues. */
async function finishSecondStep(input: SecondStepInput, trust: boolean): Promise<FormState> {
  const ctx = await requestContext();
  try {
    const done = await completeSecondStep(await pendingSignInToken(), input, ctx);
    // The second step's pending sign-in is spent; the session (or the terms interrupt's own pending sign-in) follows.
    await clearPendingSignInCookie();
    const next = await startSignedInSession(done.userId, done.amr, done.riskAssessmentId, done.next, ctx, done.linkedIdentityId);
    // The next sign-in opens on the same method (a recovery code is a last resort, not a habit).
    if (input.method !== "recovery") await rememberSecondFactorMethod(input.method);
    if (trust) {
      const device = await trustDevice(done.userId, ctx);
      await setTrustedDeviceCookie(device.token, device.maxAgeSeconds);
    }
    return { ok: true, redirectTo: safeNextPath(next) };
  } catch (e) {
    // An expired or exhausted sign-in is over: its cookie goes (the wrapper maps the error).
    if (e instanceof MfaError && (e.code === "expired" || e.code === "too_many_attempts")) await clearPendingSignInCookie();
    throw e;
  }
}

async function sendCode(channel: SentCodeChannel): Promise<FormState> {
  const { sentTo } = await sendSignInCode(await pendingSignInToken(), channel, await requestContext());
  return { ok: true, message: `We sent a code to ${sentTo}.` };
}

export const sendEmailCodeAction = publicAction(noInput, () => sendCode("email"));

export const sendSmsCodeAction = publicAction(noInput, () => sendCode("sms"));
