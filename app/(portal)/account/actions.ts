"use server";
import { revalidatePath } from "next/cache";
import { cancelPendingEmailChange, changeEmail } from "@/lib/users";
import { changeEmailSchema } from "@/lib/users/users.schema";
import { currentSession, fieldErrorsOf, formErrorFrom, formValues, requestContext, type FormState } from "@/lib/http";

export async function changeEmailAction(_prev: FormState, form: FormData): Promise<FormState> {
  const session = await currentSession();
  if (!session) return { message: "Your session has ended. Sign in again." };
  const values = formValues(form, ["newEmail"]);
  const parsed = changeEmailSchema.safeParse({ newEmail: form.get("newEmail"), password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    await changeEmail(session.user.id, parsed.data, await requestContext());
    revalidatePath("/account"); // the pending change shows at once
    return { ok: true, message: `If ${parsed.data.newEmail} can be used, we sent a link there. Your sign-in email changes when you open it and confirm; until then it stays ${session.user.email}.` };
  } catch (e) {
    return formErrorFrom(e, values);
  }
}

export async function cancelPendingEmailChangeAction(_prev: FormState): Promise<FormState> {
  const session = await currentSession();
  if (!session) return { message: "Your session has ended. Sign in again." };
  try {
    await cancelPendingEmailChange(session.user.id, await requestContext());
    revalidatePath("/account");
    return { ok: true, message: "The change is cancelled: the link we sent to the new address no longer works." };
  } catch (e) {
    return formErrorFrom(e);
  }
}
