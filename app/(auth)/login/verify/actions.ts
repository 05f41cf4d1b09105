"use server";
import { redirect } from "next/navigation";
import { completeSecondStep, MfaError, secondStepInputSchema, sendEmailCode, trustDevice } from "@/lib/mfa";
import { getUserClaims } from "@/lib/users";
import { clearPendingSignInCookie, fieldErrorsOf, formErrorFrom, pendingSignInToken, rememberSecondFactorMethod, requestContext, safeNextPath, setTrustedDeviceCookie, startPortalSession, type FormState } from "@/lib/http";

async function mfaUser(id: string) {
  const u = await getUserClaims(id);
  return u && { id: u.id, email: u.email, displayName: u.displayName };
}

export async function verifySecondFactorAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = secondStepInputSchema.safeParse({ method: form.get("method"), code: form.get("code") ?? "" });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error) };
  const { method, code } = parsed.data;
  const ctx = await requestContext();
  let target: string;
  try {
    const done = await completeSecondStep(await pendingSignInToken(), mfaUser, { method, code }, ctx);
    await startPortalSession(done.userId, ctx, done.amr);
    await clearPendingSignInCookie();
    // The next sign-in opens on the same method (a recovery code is a last resort, not a habit).
    if (method !== "recovery") await rememberSecondFactorMethod(method);
    if (form.get("trust") === "on") {
      const device = await trustDevice(done.userId, ctx);
      await setTrustedDeviceCookie(device.token, device.maxAgeSeconds);
    }
    target = safeNextPath(done.next);
  } catch (e) {
    if (e instanceof MfaError && (e.code === "expired" || e.code === "too_many_attempts")) await clearPendingSignInCookie();
    return formErrorFrom(e);
  }
  if (form.get("js") === "1") return { ok: true, redirectTo: target };
  redirect(target);
}

export async function sendEmailCodeAction(): Promise<FormState> {
  try {
    const { sentTo } = await sendEmailCode(await pendingSignInToken(), mfaUser, await requestContext());
    return { ok: true, message: `We sent a code to ${sentTo}.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}
