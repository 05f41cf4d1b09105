"use server";
import { registrationSchema } from "@/lib/users/users.schema";
import { registerUser } from "@/lib/users";
import { formValues, publicAction, requestContext, type FormState } from "@/lib/http";
import { z } from "zod";

/** The captcha's solution travels beside the account's fields; the domain checks it. */
const registrationFormSchema = registrationSchema.extend({ captcha: z.string().optional().catch(undefined) });

export const registerAction = publicAction(
  {
    schema: registrationFormSchema,
    input: (_prev: FormState, form: FormData) => ({
      email: form.get("email"),
      password: form.get("password"),
      displayName: form.get("displayName") ?? undefined,
      acceptTerms: form.get("acceptTerms") ?? undefined,
      captcha: form.get("altcha") ?? undefined,
    }),
    echo: (_prev, form) => formValues(form, ["email", "displayName"]),
  },
  async ({ captcha, ...input }): Promise<FormState> => {
    const { email } = await registerUser({ ...input, captcha }, await requestContext());
    // The same answer whether or not the address was already registered (no enumeration).
    return { ok: true, message: `We sent a link to ${email}. Open it to verify your address, then sign in.` };
  },
);
