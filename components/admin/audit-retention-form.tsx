"use client";
// The audit log's retention: forever, or a number of days (30 to 3650). A plain form: it posts
// without JavaScript too.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from "@/lib/audit-admin/audit-admin.schema";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function AuditRetentionForm({ action, days }: { action: Action; days: number | null }) {
  const [state, formAction, pending] = useActionState(action, {});
  const forever = state.values ? state.values.mode === "forever" : days === null;
  const typed = state.values?.days ?? (days === null ? "" : String(days));
  return (
    <form action={formAction} className="space-y-4" aria-label="Audit log retention" key={state.ok ? `saved-${state.message}` : "editing"}>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Keep audit events</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="mode" value="forever" defaultChecked={forever} className="h-4 w-4 accent-indigo-600" />
          Forever
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="mode" value="days" defaultChecked={!forever} className="h-4 w-4 accent-indigo-600" />
          For a number of days
        </label>
      </fieldset>
      <Field
        name="days"
        label="Days"
        type="number"
        inputMode="numeric"
        min={MIN_RETENTION_DAYS}
        max={MAX_RETENTION_DAYS}
        defaultValue={typed}
        error={state.fieldErrors?.days ?? state.fieldErrors?.retention}
        hint={`${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}. Older events are deleted by the janitor, at most 100,000 every 10 minutes; each pass is itself audited.`}
      />
      <Button type="submit" disabled={pending} className="sm:w-auto">
        Save retention
      </Button>
    </form>
  );
}
