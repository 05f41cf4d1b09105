"use server";
import { tokenSchema } from "@/lib/users/users.schema";
import { reportNotMe } from "@/lib/users";
import { cutOffApplications } from "@/lib/oidc";
import { publicAction, requestContext, type FormState } from "@/lib/http";

export const notMeAction = publicAction(
  {
    schema: tokenSchema,
    input: (_prev: FormState, form: FormData) => form.get("token"),
    invalid: () => ({ message: "This link is invalid or has expired. If you think someone else is in your account, reset your password." }),
  },
  async (token): Promise<FormState> => {
    const ctx = await requestContext();
    const { userId, methodsRemoved } = await reportNotMe(token, ctx);
    // Applications signed in through those sessions hear so, and lose every grant, refresh tokens included.
    await cutOffApplications(userId, "reported_not_me", ctx).catch((e) => console.error("[portico] cutting off applications after 'not me' failed", e));
    const removed = methodsRemoved.length ? ` We removed the sign-in methods added recently: ${methodsRemoved.join(", ")}.` : "";
    return { ok: true, message: `Your account is locked and every session has ended.${removed} We emailed you a link to choose a new password, which opens it again; that page also lets you remove your other sign-in methods.` };
  },
);
