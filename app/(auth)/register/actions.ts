"use server";
import { registrationSchema } from "@/lib/users/users.schema";
import { registerUser } from "@/lib/users";
import { fieldErrorsOf, formErrorFrom, formValues, requestContext, type FormState } from "@/lib/http";

export async function registerAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, ["email", "displayName"]);
  const parsed = registrationSchema.safeParse({
    email: form.get("email"),
    password: form.get("password"),
    displayName: form.get("displayName") ?? undefined,
    acceptTerms: form.get("acceptTerms") ?? undefined,
  });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  const captcha = form.get("altcha");
  try {
    const { email } = await registerUser({ ...parsed.data, captcha: typeof captcha === "string" ? captcha : undefined }, await requestContext());
    // The same answer whether or not the address was already registered (no enumeration).
    return { ok: true, message: `We sent a link to ${email}. Open it to verify your address, then sign in.` };
  } catch (e) {
    return formErrorFrom(e, values);
  }
}
