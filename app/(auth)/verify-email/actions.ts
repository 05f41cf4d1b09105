"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { verifyEmail, resendVerification } from "@/lib/users";
import { currentSession, formErrorFrom, requestContext, type FormState } from "@/lib/http";

export async function verifyEmailAction(_prev: FormState, form: FormData): Promise<FormState> {
  const token = tokenSchema.safeParse(form.get("token"));
  if (!token.success) return { message: "This link is invalid or has expired. Request a new one." };
  try {
    const { email } = await verifyEmail(token.data, await requestContext());
    return { ok: true, message: `Thank you: ${email} is verified.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}

export async function resendVerificationAction(_prev: FormState): Promise<FormState> {
  const session = await currentSession();
  if (!session) return { message: "Sign in to request a new verification email." };
  try {
    await resendVerification(session.user.id, await requestContext());
    return { ok: true, message: `We sent a new link to ${session.user.email}.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}
