"use server";
// The audit log's retention: the console's wrapper checks the administrator (lib/http adminAction,
// audit:retention, recent sign-in); lib/audit-admin setAuditRetention checks again and audits it.
import { revalidatePath } from "next/cache";
import { setAuditRetention } from "@/lib/audit-admin";
import { auditRetentionSchema } from "@/lib/audit-admin/audit-admin.schema";
import { adminAction, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/audit/settings";

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};

/** "Keep forever", or the number of days typed. */
const retentionOf = (form: FormData) => (text(form, "mode") === "forever" ? "forever" : text(form, "days"));

export const saveRetentionAction = adminAction(
  {
    permission: "audit:retention",
    returnTo: PAGE,
    schema: auditRetentionSchema,
    input: (_prev: FormState, form: FormData) => ({ retention: retentionOf(form) }),
    echo: (_prev, form) => ({ mode: text(form, "mode"), days: text(form, "days") }),
    // The schema's message belongs beside the days field.
    invalid: (fieldErrors) => ({ fieldErrors: { days: fieldErrors.retention ?? fieldErrors.form ?? "A number of days, or forever." } }),
  },
  async (input, actor): Promise<FormState> => {
    const { days } = await setAuditRetention(actor, input, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: days === null ? "Audit events are kept forever." : `Audit events older than ${days} days are deleted from now on (within the janitor's next passes).` };
  },
);

