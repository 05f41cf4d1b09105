"use server";
import { z } from "zod";
import { activityIdSchema } from "@/lib/activity/activity.schema";
import { secureAccountFromActivity } from "@/lib/sign-in";
import { customerAction, requestContext, type FormState } from "@/lib/http";

export const reportActivityAction = customerAction(
  {
    schema: z.object({ event: activityIdSchema }),
    input: (_prev: FormState, form: FormData) => ({ event: form.get("event") }),
    returnTo: "/account/activity",
  },
  async ({ event }, session): Promise<FormState> => {
    const { methodsRemoved } = await secureAccountFromActivity(session.user.id, event, await requestContext());
    const removed = methodsRemoved.length ? ` We removed the sign-in methods added recently: ${methodsRemoved.join(", ")}.` : "";
    return { ok: true, message: `Your account is locked and every session has ended, this one too.${removed} We emailed you a link to choose a new password, which opens it again.` };
  },
);
