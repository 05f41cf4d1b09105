"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { loginSchema, PASSWORD_INPUT_MAX_LENGTH } from "@/lib/users/users.schema";
import { passkeyAuthenticationOptions } from "@/lib/factors";
import type { PasskeyOptionsState } from "@/components/auth/passkey-types";
import { formValues, homeRealmTarget, noInput, publicAction, requestContext, safeNextPath, signInWithPasskey, signInWithPassword, type FormState } from "@/lib/http";

/**
 * The form: the credentials, where to go next, and whether a script submitted it. The password may
 * be left empty by someone whose address's domain signs in elsewhere (home realm discovery).
 */
const loginFormSchema = loginSchema.extend({ password: z.string().max(PASSWORD_INPUT_MAX_LENGTH, "This password is too long."), next: z.string().optional(), scripted: z.boolean() });

export const loginAction = publicAction(
  {
    schema: loginFormSchema,
    input: (_prev: FormState, form: FormData) => ({ email: form.get("email"), password: form.get("password") ?? "", next: formValues(form, ["next"]).next, scripted: form.get("js") === "1" }),
    echo: (_prev: FormState, form: FormData) => formValues(form, ["email", "next"]),
  },
  async ({ email, password, next, scripted }): Promise<FormState> => {
    // Home realm discovery: an address whose domain an administrator mapped to a connection goes there.
    const realm = await homeRealmTarget(email, safeNextPath(next));
    if (realm && scripted) return { ok: true, redirectTo: realm };
    if (realm) redirect(realm);
    if (!password) return { fieldErrors: { password: "Enter your password." }, values: { email, next: next ?? "" } };
    const target = await signInWithPassword({ email, password, next: safeNextPath(next) }, await requestContext());
    // A scripted form navigates by itself: answering with a redirect would make Next render the target
    // page inside this response, which doubled the sign-in's cost (bench/RESULTS.md). Without
    // JavaScript the browser gets a plain 303.
    if (scripted) return { ok: true, redirectTo: target };
    redirect(target);
  },
);

/** A challenge for passwordless sign-in (the button, and the browser's autofill of passkeys). */
export const passkeySignInOptionsAction = publicAction(noInput, async (): Promise<PasskeyOptionsState> => ({
  options: await passkeyAuthenticationOptions("sign-in", null, await requestContext()),
}));

/**
 * The browser's signed answer to that challenge. A user-verified passkey is two factors in one
 * (the device, and the PIN or biometric that unlocks it), so the session counts as multi-factor.
 */
export const passkeySignInAction = publicAction(
  { schema: z.object({ response: z.unknown(), next: z.string().optional().catch(undefined) }), input: (response: unknown, next: string) => ({ response, next }) },
  async ({ response, next }): Promise<FormState> => ({ ok: true, redirectTo: await signInWithPasskey(response, safeNextPath(next), await requestContext()) }),
);
