"use server";
import { changeEmail } from "@/lib/users";
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
    return { ok: true, message: `If ${parsed.data.newEmail} can be used, it is now your sign-in email: open the link we sent there to verify it.` };
  } catch (e) {
    return formErrorFrom(e, values);
  }
}
