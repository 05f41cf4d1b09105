"use server";
import { resetPasswordSchema } from "@/lib/users/users.schema";
import { completePasswordReset } from "@/lib/sign-in";
import { clearSessionCookie, fieldErrorsOf, formErrorFrom, requestContext, type FormState } from "@/lib/http";

function textOf(v: FormDataEntryValue | null): string | undefined {
  return typeof v === "string" ? v.slice(0, 64) : undefined;
}

export async function resetPasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = resetPasswordSchema.safeParse({ token: form.get("token"), password: form.get("password") });
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    if (fieldErrors.token) return { message: "This link is invalid or has expired. Request a new one." };
    return { fieldErrors };
  }
  try {
    const ctx = await requestContext();
    // Every session ends, the applications lose every grant (refresh tokens included), and the
    // recently added sign-in methods (or all, when ticked) are removed.
    const { methodsRemoved } = await completePasswordReset(parsed.data.token, parsed.data.password, { removeAllMethods: form.get("removeAll") === "on", recoveryCode: textOf(form.get("recoveryCode")) }, ctx);
    // Every session was revoked, this browser's included: sign in again with the new password.
    await clearSessionCookie();
    const removed = methodsRemoved.length ? ` We removed: ${methodsRemoved.join(", ")}.` : "";
    return { ok: true, message: `Your password was changed and every session was signed out.${removed} Sign in with your new password.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}
