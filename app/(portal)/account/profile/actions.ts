"use server";
import { revalidatePath } from "next/cache";
import { updateProfile } from "@/lib/profile";
import { profileInputFromForm, profileSchema } from "@/lib/profile/profile.schema";
import { customerAction, requestContext, type FormState } from "@/lib/http";

export const updateProfileAction = customerAction(
  {
    schema: profileSchema,
    input: (_prev: FormState, form: FormData) => profileInputFromForm(form),
    echo: (_prev, form) => profileInputFromForm(form),
    returnTo: "/account/profile",
    signedOutMessage: "Your session has ended. Sign in again; nothing was saved.",
  },
  async (input, session): Promise<FormState> => {
    const { changed } = await updateProfile(session.user, session.user.id, input, await requestContext());
    revalidatePath("/account/profile");
    return { ok: true, message: changed.length ? "Your profile is saved." : "Nothing changed." };
  },
);
