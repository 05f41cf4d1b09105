"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { unlinkIdentity } from "@/lib/federation";
import { customerAction, requestContext, type FormState } from "@/lib/http";

const PAGE = "/account/linked";

/** Unlinks one of the customer's identities; lib/federation refuses another's, and the last way to sign in. */
export const unlinkIdentityAction = customerAction(
  {
    schema: z.object({ identity: z.uuid({ error: "Choose a linked account." }) }),
    input: (_prev: FormState, form: FormData) => ({ identity: String(form.get("identity") ?? "") }),
    returnTo: PAGE,
    signedOutMessage: "Your session has ended. Sign in again.",
  },
  async ({ identity }, current): Promise<FormState> => {
    await unlinkIdentity(current.user.id, identity, await requestContext());
    redirect(`${PAGE}?unlinked=1`);
  },
);
