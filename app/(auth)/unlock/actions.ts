"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { unlockWithToken } from "@/lib/users";
import { publicAction, requestContext, type FormState } from "@/lib/http";

export const unlockAction = publicAction(
  { schema: tokenSchema, input: (_prev: FormState, form: FormData) => form.get("token"), invalid: () => ({ message: "This link is invalid or has expired. Request a new one." }) },
  async (token): Promise<FormState> => {
    await unlockWithToken(token, await requestContext());
    return { ok: true, message: "Your account is unlocked. You can sign in again." };
  },
);
