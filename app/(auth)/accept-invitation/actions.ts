"use server";
import { resetPasswordSchema } from "@/lib/users/users.schema";
import { acceptInvitation } from "@/lib/users";
import { publicAction, requestContext, type FormState } from "@/lib/http";

// The invitation's form is the reset form (token + new password): one schema, the same messages.
export const acceptInvitationAction = publicAction(
  {
    schema: resetPasswordSchema,
    input: (_prev: FormState, form: FormData) => ({ token: form.get("token"), password: form.get("password") }),
    invalid: (fieldErrors) => (fieldErrors.token ? { message: "This invitation link is invalid, was already used or has expired. Ask your administrator for a new one." } : { fieldErrors }),
  },
  async ({ token, password }): Promise<FormState> => {
    const { email } = await acceptInvitation(token, password, await requestContext());
    return { ok: true, message: `Your password is set and ${email} is verified. Sign in with your new password.` };
  },
);
