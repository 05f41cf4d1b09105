"use server";
import { revalidatePath } from "next/cache";
import { requestDataExport } from "@/lib/privacy";
import { customerAction, noInput, requestContext, type FormState } from "@/lib/http";

/** Sudo mode (a sign-in from the last 15 minutes): a copy of everything about the account is worth more to a thief than any one page. */
export const requestDataExportAction = customerAction(
  { ...noInput, returnTo: "/account/data", recentSignIn: true },
  async (_input, session): Promise<FormState> => {
    await requestDataExport(session.user, session.user.id, await requestContext());
    revalidatePath("/account/data");
    return { ok: true, message: "We are preparing your copy. This page shows the download link when it is ready, and we email it to you too." };
  },
);
