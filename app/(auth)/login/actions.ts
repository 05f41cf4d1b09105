"use server";
import { redirect } from "next/navigation";
import { loginSchema } from "@/lib/users/users.schema";
import { passkeyAuthenticationOptions } from "@/lib/factors";
import type { PasskeyOptionsState } from "@/components/auth/passkey-types";
import { fieldErrorsOf, formErrorFrom, formValues, requestContext, safeNextPath, signInWithPasskey, signInWithPassword, type FormState } from "@/lib/http";

export async function loginAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, ["email", "next"]);
  const parsed = loginSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  const ctx = await requestContext();
  let target = safeNextPath(values.next);
  try {
    target = await signInWithPassword({ ...parsed.data, next: target }, ctx);
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
    return { ok: true, redirectTo: await signInWithPasskey(response, safeNextPath(typeof next === "string" ? next : undefined), ctx) };
  } catch (e) {
    return formErrorFrom(e);
  }
}
