"use server";
import { z } from "zod";
import { resetPasswordSchema } from "@/lib/users/users.schema";
import { completePasswordReset } from "@/lib/sign-in";
import { clearSessionCookie, publicAction, requestContext, type FormState } from "@/lib/http";

/** The form's other fields: what to remove besides the recent methods, and a recovery code for "remove all". */
const resetPasswordFormSchema = resetPasswordSchema.extend({
  removeAll: z.boolean(),
  recoveryCode: z.string().optional(),
});

function textOf(v: FormDataEntryValue | null): string | undefined {
  return typeof v === "string" ? v.slice(0, 64) : undefined;
}

export const resetPasswordAction = publicAction(
  {
    schema: resetPasswordFormSchema,
    input: (_prev: FormState, form: FormData) => ({ token: form.get("token"), password: form.get("password"), removeAll: form.get("removeAll") === "on", recoveryCode: textOf(form.get("recoveryCode")) }),
    invalid: (fieldErrors) => (fieldErrors.token ? { message: "This link is invalid or has expired. Request a new one." } : { fieldErrors }),
  },
  async ({ token, password, removeAll, recoveryCode }): Promise<FormState> => {
    const ctx = await requestContext();
    // Every session ends, the applications lose every grant (refresh tokens included), and the
    // recently added sign-in methods (or all, when ticked) are removed.
    const { methodsRemoved } = await completePasswordReset(token, password, { removeAllMethods: removeAll, recoveryCode }, ctx);
    // Every session was revoked, this browser's included: sign in again with the new password.
    await clearSessionCookie();
    const removed = methodsRemoved.length ? ` We removed: ${methodsRemoved.join(", ")}.` : "";
    return { ok: true, message: `Your password was changed and every session was signed out.${removed} Sign in with your new password.` };
  },
);
