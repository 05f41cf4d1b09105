"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { listAttributeDefinitions, updateProfile } from "@/lib/profile";
import { profileInputFromForm, profileSchema } from "@/lib/profile/profile.schema";
import { attributeField, attributeInputFromForm } from "@/lib/profile/attributes.schema";
import { customerAction, requestContext, type FormState } from "@/lib/http";

/** The standard fields and the custom attributes the customer may write, as posted (the domain parses the attributes by their definitions). */
async function inputOf(form: FormData) {
  const definitions = await listAttributeDefinitions();
  return { ...profileInputFromForm(form), attributes: attributeInputFromForm(form, definitions, "customer") };
}

/** What was typed, kept when the save is refused: the standard fields and every posted `attr.` field. */
function echoOf(form: FormData): Record<string, string> {
  const custom = [...form.entries()].filter(([k, v]) => k.startsWith(attributeField("")) && typeof v === "string").slice(0, 200);
  return { ...profileInputFromForm(form), ...Object.fromEntries(custom.map(([k, v]) => [k, (v as string).slice(0, 2000)])) };
}

export const updateProfileAction = customerAction(
  {
    schema: profileSchema.extend({ attributes: z.record(z.string(), z.string()) }),
    input: (_prev: FormState, form: FormData) => inputOf(form),
    echo: (_prev, form) => echoOf(form),
    returnTo: "/account/profile",
    signedOutMessage: "Your session has ended. Sign in again; nothing was saved.",
  },
  async ({ attributes, ...input }, session): Promise<FormState> => {
    const { changed } = await updateProfile(session.user, session.user.id, input, await requestContext(), { values: attributes, source: "form" });
    revalidatePath("/account/profile");
    return { ok: true, message: changed.length ? "Your profile is saved." : "Nothing changed." };
  },
);
