"use server";
import { revalidatePath } from "next/cache";
import { cancelPendingEmailChange, changeEmail } from "@/lib/users";
import { changeEmailSchema } from "@/lib/users/users.schema";
import { customerAction, formValues, noInput, requestContext, type FormState } from "@/lib/http";

const SIGNED_OUT = "Your session has ended. Sign in again.";

export const changeEmailAction = customerAction(
  {
    schema: changeEmailSchema,
    input: (_prev: FormState, form: FormData) => ({ newEmail: form.get("newEmail"), password: form.get("password") }),
    echo: (_prev, form) => formValues(form, ["newEmail"]),
    returnTo: "/account",
    signedOutMessage: SIGNED_OUT,
  },
  async (input, session): Promise<FormState> => {
    await changeEmail(session.user.id, input, await requestContext());
    revalidatePath("/account"); // the pending change shows at once
    return { ok: true, message: `If ${input.newEmail} can be used, we sent a link there. Your sign-in email changes when you open it and confirm; until then it stays ${session.user.email}.` };
  },
);

export const cancelPendingEmailChangeAction = customerAction({ ...noInput, returnTo: "/account", signedOutMessage: SIGNED_OUT }, async (_input, session): Promise<FormState> => {
  await cancelPendingEmailChange(session.user.id, await requestContext());
  revalidatePath("/account");
  return { ok: true, message: "The change is cancelled: the link we sent to the new address no longer works." };
});
