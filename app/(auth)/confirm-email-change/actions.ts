"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { confirmEmailChange } from "@/lib/users";
import { publicAction, requestContext, type FormState } from "@/lib/http";

export const confirmEmailChangeAction = publicAction(
  { schema: tokenSchema, input: (_prev: FormState, form: FormData) => form.get("token"), invalid: () => ({ message: "This link is invalid or has expired." }) },
  async (token): Promise<FormState> => {
    const { email } = await confirmEmailChange(token, await requestContext());
    return { ok: true, message: `Done: ${email} is now your sign-in email, and it is verified.` };
  },
);
