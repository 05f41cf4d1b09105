"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { cancelOrRevertEmailChange } from "@/lib/sign-in";
import { formErrorFrom, requestContext, type FormState } from "@/lib/http";

export async function cancelEmailChangeAction(_prev: FormState, form: FormData): Promise<FormState> {
  const token = tokenSchema.safeParse(form.get("token"));
  if (!token.success) return { message: "This link is invalid or has expired." };
  try {
    const done = await cancelOrRevertEmailChange(token.data, await requestContext());
    if (done.outcome === "cancelled") {
      return { ok: true, message: "The change is cancelled: your account keeps this email address. If you did not ask for the change, someone knows your password: choose a new one now." };
    }
    const removed = done.methodsRemoved.length ? ` We removed the sign-in methods added recently: ${done.methodsRemoved.join(", ")}.` : "";
    return { ok: true, message: `Your account is back on ${done.email}. Everyone is signed out and the account is locked.${removed} We emailed you a link to choose a new password, which opens it again.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}
