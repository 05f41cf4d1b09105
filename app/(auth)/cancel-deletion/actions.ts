"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { cancelAccountDeletion } from "@/lib/users";
import { publicAction, requestContext, type FormState } from "@/lib/http";

export const cancelDeletionAction = publicAction(
  { schema: tokenSchema, input: (_prev: FormState, form: FormData) => form.get("token"), invalid: () => ({ message: "This link is invalid or has expired." }) },
  async (token): Promise<FormState> => {
    const { stillDisabled } = await cancelAccountDeletion(token, await requestContext());
    if (stillDisabled) return { ok: true, message: "Your account will not be deleted. It stays disabled by an administrator: contact support to open it again." };
    return { ok: true, message: "Your account will not be deleted, and it is open again. If you did not ask for the deletion, sign in and change your password." };
  },
);
