"use server";
// Server actions of the attributes console: the console's wrapper checks the administrator (strong
// second factor, recent sign-in, the permission); the domain checks again and parses the definition.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAttributeDefinition, deleteAttributeDefinition, updateAttributeDefinition } from "@/lib/profile";
import { ATTRIBUTE_FORM_FIELDS, attributeDefinitionFromForm } from "@/lib/profile/attributes.schema";
import { adminAction, formValues, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/attributes";
const WRITE = { permission: "attributes:write", returnTo: PAGE } as const;

const idOf = (form: FormData) => {
  const id = form.get("id");
  return typeof id === "string" ? id.slice(0, 64) : "";
};

const definitionForm = {
  ...WRITE,
  schema: z.object({ id: z.string(), raw: z.record(z.string(), z.unknown()) }),
  input: (_prev: FormState, form: FormData) => ({ id: idOf(form), raw: attributeDefinitionFromForm(form) }),
  echo: (_prev: FormState, form: FormData) => formValues(form, [...ATTRIBUTE_FORM_FIELDS]),
};

export const createAttributeAction = adminAction(definitionForm, async ({ raw }, actor): Promise<FormState> => {
  const d = await createAttributeDefinition(actor, raw, await requestContext());
  revalidatePath(PAGE);
  return { ok: true, message: `${d.name} is defined.` };
});

export const updateAttributeAction = adminAction(definitionForm, async ({ id, raw }, actor): Promise<FormState> => {
  const d = await updateAttributeDefinition(actor, id, raw, await requestContext());
  revalidatePath(PAGE);
  return { ok: true, message: `${d.name} is saved.` };
});

export const deleteAttributeAction = adminAction(
  {
    ...WRITE,
    schema: z.object({ id: z.string(), confirm: z.literal("on", { error: "Tick the box to confirm." }) }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), confirm: form.get("confirm") }),
  },
  async ({ id }, actor): Promise<FormState> => {
    const { valuesRemoved } = await deleteAttributeDefinition(actor, id, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `Deleted, with ${valuesRemoved} stored value(s).` };
  },
);
