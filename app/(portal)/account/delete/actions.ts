"use server";
import { z } from "zod";
import { requestAccountDeletion } from "@/lib/sign-in";
import { customerAction, requestContext, type FormState } from "@/lib/http";

const confirmationSchema = z.object({ confirmEmail: z.string().trim().toLowerCase().max(254) });

/** Sudo mode (a sign-in from the last 15 minutes) and the account's address typed again: nobody deletes an account by a stray click. */
export const deleteAccountAction = customerAction(
  {
    schema: confirmationSchema,
    input: (_prev: FormState, form: FormData) => ({ confirmEmail: form.get("confirmEmail") }),
    returnTo: "/account/delete",
    recentSignIn: true,
  },
  async ({ confirmEmail }, session): Promise<FormState> => {
    if (confirmEmail !== session.user.email) return { fieldErrors: { confirmEmail: "Type the email address of this account to confirm." } };
    const { erasureDueAt } = await requestAccountDeletion(session.user, session.user.id, await requestContext());
    const date = erasureDueAt.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    return { ok: true, message: `Your account is closed and will be erased on ${date}. We emailed you a link that keeps it, if you change your mind before then.` };
  },
);
