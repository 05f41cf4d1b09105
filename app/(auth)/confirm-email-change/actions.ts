"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { confirmEmailChange } from "@/lib/users";
import { formErrorFrom, requestContext, type FormState } from "@/lib/http";

export async function confirmEmailChangeAction(_prev: FormState, form: FormData): Promise<FormState> {
  const token = tokenSchema.safeParse(form.get("token"));
  if (!token.success) return { message: "This link is invalid or has expired." };
  try {
    const { email } = await confirmEmailChange(token.data, await requestContext());
    return { ok: true, message: `Done: ${email} is now your sign-in email, and it is verified.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}
