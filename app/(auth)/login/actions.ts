"use server";
import { redirect } from "next/navigation";
import { loginSchema } from "@/lib/users/users.schema";
import { authenticateWithPasskey, authenticateWithPassword } from "@/lib/users";
import { recordAudit } from "@/lib/audit";
import { beginPendingSignIn, hasSecondFactor, isTrustedDevice, PASSKEY_AMR, passkeyAuthenticationOptions, PENDING_LIFETIME_MINUTES } from "@/lib/mfa";
import type { PasskeyOptionsState } from "@/components/auth/passkey-types";
import {
  fieldErrorsOf,
  formErrorFrom,
  formValues,
  requestContext,
  safeNextPath,
  setPendingSignInCookie,
  startPortalSession,
  trustedDeviceToken,
  type FormState,
} from "@/lib/http";

export async function loginAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, ["email", "next"]);
  const parsed = loginSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  const ctx = await requestContext();
  let target = safeNextPath(values.next);
  try {
    const user = await authenticateWithPassword(parsed.data, ctx);
    const twoStep = await hasSecondFactor(user.id);
    if (twoStep && (await isTrustedDevice(user.id, await trustedDeviceToken()))) {
      // A browser trusted after a second step (30 days) stands in for it: still two factors, the
      // password and this device's token.
      await recordAudit({ actor: { type: "user", id: user.id }, action: "login.trusted_device", target: { type: "user", id: user.id }, result: "success", context: ctx });
      await startPortalSession(user.id, ctx, ["pwd", "mfa"]);
    } else if (twoStep) {
      // The password alone opens nothing: a pending sign-in waits for the second factor.
      const token = await beginPendingSignIn(user.id, target, ["pwd"]);
      await setPendingSignInCookie(token, PENDING_LIFETIME_MINUTES * 60);
      target = "/login/verify";
    } else {
      await startPortalSession(user.id, ctx, ["pwd"]);
    }
  } catch (e) {
    return formErrorFrom(e, values);
  }
  // A scripted form navigates by itself: answering with a redirect would make Next render the target
  // page inside this response, which doubled the sign-in's cost (bench/RESULTS.md). Without
  // JavaScript the browser gets a plain 303.
  if (form.get("js") === "1") return { ok: true, redirectTo: target };
  redirect(target);
}

/** A challenge for passwordless sign-in (the button, and the browser's autofill of passkeys). */
export async function passkeySignInOptionsAction(): Promise<PasskeyOptionsState> {
  try {
    return { options: await passkeyAuthenticationOptions("sign-in", null, await requestContext()) };
  } catch (e) {
    return formErrorFrom(e);
  }
}

/**
 * The browser's signed answer to that challenge. A user-verified passkey is two factors in one
 * (the device, and the PIN or biometric that unlocks it), so the session counts as multi-factor.
 */
export async function passkeySignInAction(response: unknown, next: string): Promise<FormState> {
  const ctx = await requestContext();
  try {
    const user = await authenticateWithPasskey(response, ctx);
    await startPortalSession(user.id, ctx, [...PASSKEY_AMR, "mfa"]);
  } catch (e) {
    return formErrorFrom(e);
  }
  return { ok: true, redirectTo: safeNextPath(typeof next === "string" ? next : undefined) };
}
