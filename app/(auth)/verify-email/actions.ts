"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { verifyEmail, resendVerification } from "@/lib/users";
import { customerAction, noInput, publicAction, requestContext, type FormState } from "@/lib/http";

export const verifyEmailAction = publicAction(
  { schema: tokenSchema, input: (_prev: FormState, form: FormData) => form.get("token"), invalid: () => ({ message: "This link is invalid or has expired. Request a new one." }) },
  async (token): Promise<FormState> => {
    const { email } = await verifyEmail(token, await requestContext());
    return { ok: true, message: `Thank you: ${email} is verified.` };
  },
);

export const resendVerificationAction = customerAction(
  { ...noInput, returnTo: "/account", signedOutMessage: "Sign in to request a new verification email." },
  async (_input, session): Promise<FormState> => {
    await resendVerification(session.user.id, await requestContext());
    return { ok: true, message: `We sent a new link to ${session.user.email}.` };
  },
);
