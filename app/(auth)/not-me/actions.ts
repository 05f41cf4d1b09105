"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { reportNotMe } from "@/lib/users";
import { formErrorFrom, requestContext, type FormState } from "@/lib/http";

export async function notMeAction(_prev: FormState, form: FormData): Promise<FormState> {
  const token = tokenSchema.safeParse(form.get("token"));
  if (!token.success) return { message: "This link is invalid or has expired. If you think someone else is in your account, reset your password." };
  try {
    await reportNotMe(token.data, await requestContext());
    return { ok: true, message: "Your account is locked and every session has ended. We emailed you a link to choose a new password, which opens it again." };
  } catch (e) {
    return formErrorFrom(e);
  }
}
