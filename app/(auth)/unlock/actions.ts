"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { unlockWithToken } from "@/lib/users";
import { formErrorFrom, requestContext, type FormState } from "@/lib/http";

export async function unlockAction(_prev: FormState, form: FormData): Promise<FormState> {
  const token = tokenSchema.safeParse(form.get("token"));
  if (!token.success) return { message: "This link is invalid or has expired. Request a new one." };
  try {
    await unlockWithToken(token.data, await requestContext());
    return { ok: true, message: "Your account is unlocked. You can sign in again." };
  } catch (e) {
    return formErrorFrom(e);
  }
}
