"use server";
import { forgotPasswordSchema } from "@/lib/users/users.schema";
import { requestPasswordReset } from "@/lib/users";
import { fieldErrorsOf, formErrorFrom, formValues, requestContext, type FormState } from "@/lib/http";

export async function forgotPasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, ["email"]);
  const parsed = forgotPasswordSchema.safeParse({ email: form.get("email") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    await requestPasswordReset(parsed.data.email, await requestContext());
    // Identical for known and unknown addresses (no enumeration).
    return { ok: true, message: `If an account exists for ${parsed.data.email}, we sent it a link to choose a new password. The link works once, for one hour.` };
  } catch (e) {
    return formErrorFrom(e, values);
  }
}
