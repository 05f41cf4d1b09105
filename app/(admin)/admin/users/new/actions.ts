"use server";
// Creating a customer from the console (users:write): by invitation, or with a password for a
// migration. lib/profile checks the custom attributes against their definitions; lib/users checks
// the permission, the segment (a segment's administrator gives the segment's value), the address
// and the password policy.
import { redirect } from "next/navigation";
import { z } from "zod";
import { adminAction, requestContext, type FormState } from "@/lib/http";
import { listAttributeDefinitions, parseAttributesForNewAccount } from "@/lib/profile";
import { attributeField, attributeInputFromForm } from "@/lib/profile/attributes.schema";
import { displayNameSchema, emailSchema, PASSWORD_INPUT_MAX_LENGTH } from "@/lib/users/users.schema";
import { createUserByAdmin, type NewAccount } from "@/lib/users";

const newUserSchema = z
  .object({
    email: emailSchema,
    displayName: displayNameSchema,
    method: z.enum(["invitation", "password"], { error: "Choose how the customer gets a password." }),
    password: z.string().max(PASSWORD_INPUT_MAX_LENGTH, "This password is too long.").optional(),
    emailVerified: z.boolean(),
    attributes: z.record(z.string(), z.string()),
  })
  .superRefine((v, ctx) => {
    if (v.method === "password" && !v.password) ctx.addIssue({ code: "custom", path: ["password"], message: "Enter the password, or send an invitation instead." });
  });

function text(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
}

export const createUserAction = adminAction(
  {
    permission: "users:write",
    returnTo: "/admin/users/new",
    schema: newUserSchema,
    input: async (_prev: FormState, form: FormData) => ({
      email: text(form, "email"),
      displayName: text(form, "displayName"),
      method: text(form, "method"),
      password: text(form, "password") || undefined,
      emailVerified: form.get("emailVerified") === "on",
      attributes: attributeInputFromForm(form, await listAttributeDefinitions(), "admin"),
    }),
    // What was typed comes back with an error; never the password.
    echo: (_prev: FormState, form: FormData) => {
      const custom = [...form.entries()].filter(([k, v]) => k.startsWith(attributeField("")) && typeof v === "string").slice(0, 200);
      return {
        email: (text(form, "email") ?? "").slice(0, 254),
        displayName: (text(form, "displayName") ?? "").slice(0, 100),
        method: text(form, "method") === "password" ? "password" : "invitation",
        emailVerified: form.get("emailVerified") === "on" ? "on" : "",
        ...Object.fromEntries(custom.map(([k, v]) => [k, (v as string).slice(0, 2000)])),
      };
    },
  },
  async ({ email, displayName, method, password, emailVerified, attributes }, actor): Promise<FormState> => {
    const values = await parseAttributesForNewAccount(attributes, "form");
    const account: NewAccount = method === "password" ? { email, displayName, attributes: values, method, password: password!, emailVerified } : { email, displayName, attributes: values, method };
    const { userId } = await createUserByAdmin(actor, account, await requestContext());
    redirect(`/admin/users/${userId}?created=${method}`);
  },
);
