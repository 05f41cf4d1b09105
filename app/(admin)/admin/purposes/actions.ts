"use server";
// Server actions of the purposes console: the console's wrapper checks the administrator (strong
// second factor, recent sign-in, the permission); lib/consents checks again and validates.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createPurpose, publishPurposeVersion, updatePurpose } from "@/lib/consents";
import { adminAction, formValues, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/purposes";
const WRITE = { permission: "consents:write", returnTo: PAGE } as const;
const PURPOSE_FIELDS = ["key", "name", "legalBasis", "dataCategories", "retention", "thirdParty", "offerAtRegistration", "text"] as const;
/** What the edit form posts: everything but the text, which changes by publishing a version. */
const EDIT_FIELDS = ["key", "name", "legalBasis", "dataCategories", "retention", "thirdParty", "offerAtRegistration"] as const;

export const createPurposeAction = adminAction(
  {
    ...WRITE,
    // Strings only here; lib/consents holds the rules (consents.schema.ts).
    schema: z.record(z.enum(PURPOSE_FIELDS), z.string().max(5000)),
    input: (_prev: FormState, form: FormData) => Object.fromEntries(PURPOSE_FIELDS.map((k) => [k, String(form.get(k) ?? "")])),
    echo: (_prev: FormState, form: FormData) => formValues(form, [...PURPOSE_FIELDS]),
  },
  async (input, actor): Promise<FormState> => {
    // The legal basis is checked by the domain's schema like every other field.
    const purpose = await createPurpose(actor, { ...input, legalBasis: input.legalBasis as "consent", offerAtRegistration: input.offerAtRegistration === "on" }, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `Purpose ${purpose.key} created (version 1).` };
  },
);

export const updatePurposeAction = adminAction(
  {
    ...WRITE,
    schema: z.record(z.enum(EDIT_FIELDS), z.string().max(5000)),
    input: (_prev: FormState, form: FormData) => Object.fromEntries(EDIT_FIELDS.map((k) => [k, String(form.get(k) ?? "")])),
    echo: (_prev: FormState, form: FormData) => formValues(form, [...EDIT_FIELDS]),
  },
  async ({ key = "", ...input }, actor): Promise<FormState> => {
    const purpose = await updatePurpose(actor, key, { ...input, legalBasis: input.legalBasis as "consent", offerAtRegistration: input.offerAtRegistration === "on" }, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `Purpose ${purpose.key} saved.` };
  },
);

export const publishVersionAction = adminAction(
  {
    ...WRITE,
    schema: z.object({ key: z.string().max(64), text: z.string().max(5000) }),
    input: (_prev: FormState, form: FormData) => ({ key: String(form.get("key") ?? ""), text: String(form.get("text") ?? "") }),
  },
  async ({ key, text }, actor): Promise<FormState> => {
    const purpose = await publishPurposeVersion(actor, key, text, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `Version ${purpose.current.version} of ${purpose.key} published.` };
  },
);
