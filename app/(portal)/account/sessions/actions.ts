"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { customerAction, noInput, requestContext, type FormState } from "@/lib/http";
import { signOutOtherSessions, signOutSession } from "@/lib/sign-in";

const PAGE = "/account/sessions";
const SIGNED_OUT = "Your session has ended. Sign in again.";

/** Signs one of the customer's sessions out; lib/sign-in refuses one that is not theirs. */
export const signOutSessionAction = customerAction(
  {
    // The id's shape is checked in lib/sessions, with the same answer as for someone else's session.
    schema: z.object({ session: z.string().max(100) }),
    input: (_prev: FormState, form: FormData) => ({ session: String(form.get("session") ?? "") }),
    returnTo: PAGE,
    signedOutMessage: SIGNED_OUT,
  },
  async ({ session }, current): Promise<FormState> => {
    await signOutSession(current.user.id, session, await requestContext());
    // Its own session ends like a sign-out: back to the sign-in page.
    redirect(session === current.id ? "/login?signedOut=1" : `${PAGE}?signedOut=one`);
  },
);

/** Every session but this one, their trusted browsers and the grants made in them. */
export const signOutOtherSessionsAction = customerAction({ ...noInput, returnTo: PAGE, signedOutMessage: SIGNED_OUT }, async (_input, current): Promise<FormState> => {
  await signOutOtherSessions(current.user.id, current.id, await requestContext());
  redirect(`${PAGE}?signedOut=others`);
});
