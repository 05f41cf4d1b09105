"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { secureAccountNotMe } from "@/lib/sign-in";
import { formErrorFrom, requestContext, type FormState } from "@/lib/http";

export async function notMeAction(_prev: FormState, form: FormData): Promise<FormState> {
  const token = tokenSchema.safeParse(form.get("token"));
  if (!token.success) return { message: "This link is invalid or has expired. If you think someone else is in your account, reset your password." };
  try {
    const ctx = await requestContext();
    // Every session ends; applications signed in through them hear so and lose every grant, refresh tokens included.
    const { methodsRemoved } = await secureAccountNotMe(token.data, ctx);
    const removed = methodsRemoved.length ? ` We removed the sign-in methods added recently: ${methodsRemoved.join(", ")}.` : "";
    return { ok: true, message: `Your account is locked and every session has ended.${removed} We emailed you a link to choose a new password, which opens it again; that page also lets you remove your other sign-in methods.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}
