"use server";
import { registrationSchema } from "@/lib/users/users.schema";
import { registerUser } from "@/lib/users";
import { checkShownVersions } from "@/lib/legal";
import { formValues, publicAction, requestContext, tickedPurposes, tickedPurposesEcho, type FormState } from "@/lib/http";
import { z } from "zod";

/** The captcha's solution travels beside the account's fields; the domain checks it. */
const registrationFormSchema = registrationSchema.extend({
  captcha: z.string().optional().catch(undefined),
  // The ids of the versions of the terms and privacy notice the page linked to (lib/legal).
  documents: z.array(z.uuid()).max(4).catch([]),
  // The purposes ticked, by key, with the version of the text shown; lib/consents checks them.
  consents: z.record(z.string(), z.number().int().positive()),
});

export const registerAction = publicAction(
  {
    schema: registrationFormSchema,
    input: (_prev: FormState, form: FormData) => ({
      email: form.get("email"),
      password: form.get("password"),
      displayName: form.get("displayName") ?? undefined,
      acceptTerms: form.get("acceptTerms") ?? undefined,
      captcha: form.get("altcha") ?? undefined,
      documents: form.getAll("document"),
      consents: tickedPurposes(form),
    }),
    echo: (_prev, form) => ({ ...formValues(form, ["email", "displayName"]), ...tickedPurposesEcho(form) }),
  },
  async ({ captcha, documents, ...input }): Promise<FormState> => {
    const acceptedDocuments = await checkShownVersions(documents);
    const { email } = await registerUser({ ...input, captcha, acceptedDocuments }, await requestContext());
    // The same answer whether or not the address was already registered (no enumeration).
    return { ok: true, message: `We sent a link to ${email}. Open it to verify your address, then sign in.` };
  },
);
