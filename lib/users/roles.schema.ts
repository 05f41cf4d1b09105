// The role-assignment form's input, shared by the console form and the domain (browser-safe: zod only).
import { z } from "zod";
import { emailSchema } from "./users.schema";

/** A customer segment: a custom attribute's name and the value that puts a customer in it. */
export const SEGMENT_PATTERN = /^[a-z][a-z0-9_]{0,39}=[^\s=][^=]{0,99}$/;

export const grantInputSchema = z
  .object({
    // The account: its id (the console's lists) or its email address (the assignment form).
    user: z.union([z.uuid(), emailSchema], { message: "Enter the person's email address." }),
    role: z.enum(["admin", "user_admin", "help_desk", "app_admin", "security_analyst", "auditor"], { message: "Choose a role." }),
    // app_admin: an application id; user_admin and help_desk: an optional segment "attribute=value".
    scope: z
      .string()
      .trim()
      .max(200)
      .transform((s) => s || null)
      .nullable()
      .default(null),
  })
  .superRefine((g, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: "custom", path: ["scope"], message });
    if (g.role === "app_admin") {
      if (!g.scope || !z.uuid().safeParse(g.scope).success) issue("Choose the application this administrator manages.");
    } else if (g.role === "user_admin" || g.role === "help_desk") {
      if (g.scope && !SEGMENT_PATTERN.test(g.scope)) issue("A segment is an attribute and a value, like region=EU.");
    } else if (g.scope) {
      issue("This role applies to the whole tenant; it takes no scope.");
    }
  });

export type GrantInput = z.input<typeof grantInputSchema>;

export const ROLE_OPTIONS = [
  { value: "help_desk", label: "Help desk", hint: "Find customers, unlock them, send a reset link, reset their second factors." },
  { value: "user_admin", label: "User administrator", hint: "Everything about customers, and help desk and user administrator roles." },
  { value: "app_admin", label: "Application administrator", hint: "One application's settings." },
  { value: "security_analyst", label: "Security analyst", hint: "Risk policy and alerts, the audit log, analytics; reads customers." },
  { value: "auditor", label: "Auditor", hint: "Reads everything, exports the audit log; changes nothing." },
  { value: "admin", label: "Super administrator", hint: "Everything." },
] as const;
