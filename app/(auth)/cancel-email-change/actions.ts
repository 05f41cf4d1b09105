"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { cancelOrRevertEmailChange } from "@/lib/sign-in";
import { publicAction, requestContext, type FormState } from "@/lib/http";

export const cancelEmailChangeAction = publicAction(
  { schema: tokenSchema, input: (_prev: FormState, form: FormData) => form.get("token"), invalid: () => ({ message: "This link is invalid or has expired." }) },
  async (token): Promise<FormState> => {
    const done = await cancelOrRevertEmailChange(token, await requestContext());
    if (done.outcome === "cancelled") {
      return { ok: true, message: "The change is cancelled: your account keeps this email address. If you did not ask for the change, someone knows your password: choose a new one now." };
    }
    const removed = done.methodsRemoved.length ? ` We removed the sign-in methods added recently: ${done.methodsRemoved.join(", ")}.` : "";
    return { ok: true, message: `Your account is back on ${done.email}. Everyone is signed out and the account is locked.${removed} We emailed you a link to choose a new password, which opens it again.` };
  },
);
