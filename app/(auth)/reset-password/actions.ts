"use server";
import { resetPasswordSchema } from "@/lib/users/users.schema";
import { resetPassword } from "@/lib/users";
import { clearSessionCookie, fieldErrorsOf, formErrorFrom, requestContext, type FormState } from "@/lib/http";

export async function resetPasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = resetPasswordSchema.safeParse({ token: form.get("token"), password: form.get("password") });
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    if (fieldErrors.token) return { message: "This link is invalid or has expired. Request a new one." };
    return { fieldErrors };
  }
  try {
    await resetPassword(parsed.data.token, parsed.data.password, await requestContext());
    // Every session was revoked, this browser's included: sign in again with the new password.
    await clearSessionCookie();
    return { ok: true, message: "Your password was changed and every session was signed out. Sign in with your new password." };
  } catch (e) {
    return formErrorFrom(e);
  }
}
