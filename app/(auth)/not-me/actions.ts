"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { secureAccountNotMe } from "@/lib/sign-in";
import { publicAction, requestContext, type FormState } from "@/lib/http";

export const notMeAction = publicAction(
  {
    schema: tokenSchema,
    input: (_prev: FormState, form: FormData) => form.get("token"),
    invalid: () => ({ message: "This link is invalid or has expired. If you think someone else is in your account, reset your password." }),
  },
  async (token): Promise<FormState> => {
    const ctx = await requestContext();
    // Every session ends; applications signed in through them hear so and lose every grant, refresh tokens included.
    const { methodsRemoved } = await secureAccountNotMe(token, ctx);
    const removed = methodsRemoved.length ? ` We removed the sign-in methods added recently: ${methodsRemoved.join(", ")}.` : "";
    return { ok: true, message: `Your account is locked and every session has ended.${removed} We emailed you a link to choose a new password, which opens it again; that page also lets you remove your other sign-in methods.` };
  },
);
