"use server";
// The federated sign-in's two pages: a new account confirmed, an existing one proved. lib/http
// carries them out with this browser's binding; the domain checks the pending step is this browser's.
import { z } from "zod";
import { redirect } from "next/navigation";
import { checkShownVersions } from "@/lib/legal";
import { displayNameSchema, passwordInputSchema } from "@/lib/users/users.schema";
import { formValues, linkThroughPassword, publicAction, registerThroughFederation, requestContext, tickedPurposes, tickedPurposesEcho, type FormState } from "@/lib/http";

const token = z.string().max(100).catch("");

export const federatedRegisterAction = publicAction(
  {
    schema: z.object({
      token,
      displayName: displayNameSchema,
      acceptTerms: z.literal("on", { error: "You must accept the terms to create an account." }),
      documents: z.array(z.uuid()).max(4).catch([]),
      consents: z.record(z.string(), z.number().int().positive()),
      scripted: z.boolean(),
    }),
    input: (_prev: FormState, form: FormData) => ({
      token: form.get("token"),
      displayName: form.get("displayName") ?? undefined,
      acceptTerms: form.get("acceptTerms") ?? undefined,
      documents: form.getAll("document"),
      consents: tickedPurposes(form),
      scripted: form.get("js") === "1",
    }),
    echo: (_prev, form) => ({ ...formValues(form, ["displayName"]), ...tickedPurposesEcho(form) }),
  },
  async ({ token, displayName, documents, consents, scripted }): Promise<FormState> => {
    const acceptedDocuments = await checkShownVersions(documents);
    const target = await registerThroughFederation(token, { acceptedDocuments, consents, displayName }, await requestContext());
    if (scripted) return { ok: true, redirectTo: target };
    redirect(target);
  },
);

export const federatedLinkAction = publicAction(
  {
    schema: z.object({ token, password: passwordInputSchema, scripted: z.boolean() }),
    input: (_prev: FormState, form: FormData) => ({ token: form.get("token"), password: form.get("password"), scripted: form.get("js") === "1" }),
  },
  async ({ token, password, scripted }): Promise<FormState> => {
    const target = await linkThroughPassword(token, password, await requestContext());
    if (scripted) return { ok: true, redirectTo: target };
    redirect(target);
  },
);
