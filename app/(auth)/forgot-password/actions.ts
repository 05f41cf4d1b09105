"use server";
import { forgotPasswordSchema } from "@/lib/users/users.schema";
import { requestPasswordReset } from "@/lib/users";
import { formValues, publicAction, requestContext, type FormState } from "@/lib/http";

export const forgotPasswordAction = publicAction(
  { schema: forgotPasswordSchema, input: (_prev: FormState, form: FormData) => ({ email: form.get("email") }), echo: (_prev, form) => formValues(form, ["email"]) },
  async ({ email }): Promise<FormState> => {
    await requestPasswordReset(email, await requestContext());
    // Identical for known and unknown addresses (no enumeration).
    return { ok: true, message: `If an account exists for ${email}, we sent it a link to choose a new password. The link works once, for one hour.` };
  },
);
