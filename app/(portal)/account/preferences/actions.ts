"use server";
import { revalidatePath } from "next/cache";
import { updatePreferences } from "@/lib/preferences";
import { changesFromForm, preferenceChangesSchema } from "@/lib/preferences/preferences.schema";
import { customerAction, requestContext, type FormState } from "@/lib/http";

/** One form for every topic and channel, saved together; the domain refuses the whole of it if one pair is wrong. */
export const updatePreferencesAction = customerAction(
  {
    schema: preferenceChangesSchema,
    input: (_prev: FormState, form: FormData) => changesFromForm(form),
    // The ticked pairs, so a refused form shows what was chosen.
    echo: (_prev, form) => ({ on: form.getAll("on").filter((v): v is string => typeof v === "string").join(" ").slice(0, 4000) }),
    returnTo: "/account/preferences",
    signedOutMessage: "Your session has ended. Sign in again; nothing was saved.",
  },
  async (changes, session): Promise<FormState> => {
    const { changed } = await updatePreferences(session.user, session.user.id, changes, await requestContext());
    revalidatePath("/account/preferences");
    return { ok: true, message: changed.length ? "Your preferences are saved." : "Nothing changed." };
  },
);
