"use server";
import { resetPasswordSchema } from "@/lib/users/users.schema";
import { resetPassword } from "@/lib/users";
import { backchannelLogoutUser } from "@/lib/oidc";
import { clearSessionCookie, fieldErrorsOf, formErrorFrom, requestContext, type FormState } from "@/lib/http";

export async function resetPasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = resetPasswordSchema.safeParse({ token: form.get("token"), password: form.get("password") });
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    if (fieldErrors.token) return { message: "This link is invalid or has expired. Request a new one." };
    return { fieldErrors };
  }
  try {
    const ctx = await requestContext();
    const { userId } = await resetPassword(parsed.data.token, parsed.data.password, ctx);
    // The reset ended every session: the applications signed in through them are told too.
    await backchannelLogoutUser(userId, ctx).catch((e) => console.error("[portico] back-channel logout after reset failed", e));
    // Every session was revoked, this browser's included: sign in again with the new password.
    await clearSessionCookie();
    return { ok: true, message: "Your password was changed and every session was signed out. Sign in with your new password." };
  } catch (e) {
    return formErrorFrom(e);
  }
}
