"use client";
// The user export form: a format and an optional filter (status, creation dates). Works without
// JavaScript (a plain form post to the server action).
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { SelectField } from "./form-controls";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

const FORMATS = [
  { value: "jsonl", label: "JSON Lines (one account per line)" },
  { value: "csv", label: "CSV (one column per claim and attribute)" },
];
const STATUSES = [
  { value: "any", label: "All accounts" },
  { value: "active", label: "Active accounts" },
  { value: "disabled", label: "Disabled accounts" },
  { value: "unverified", label: "Unverified email addresses" },
];

export function UserExportForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  const v = state.ok ? undefined : state.values;
  const e = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="max-w-xl space-y-4" aria-label="Export users">
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <SelectField id="export-format" name="format" label="Format" options={FORMATS} defaultValue={v?.format ?? "jsonl"} error={e.format} />
      <SelectField id="export-status" name="status" label="Accounts" options={STATUSES} defaultValue={v?.status ?? "any"} error={e.status} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="export-from" name="createdFrom" type="date" label="Created on or after" defaultValue={v?.createdFrom ?? ""} error={e.createdFrom} />
        <Field id="export-to" name="createdTo" type="date" label="Created on or before" defaultValue={v?.createdTo ?? ""} error={e.createdTo} />
      </div>
      <Button type="submit" disabled={pending} className="sm:w-auto">
        Start the export
      </Button>
    </form>
  );
}
