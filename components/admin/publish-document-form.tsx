"use client";
// Publishing a new version of the terms of service or the privacy notice.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { TITLE_MAX_LENGTH } from "@/lib/legal/legal.schema";
import { SelectField, TextAreaField } from "./form-controls";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function PublishDocumentForm({ action, today }: { action: Action; today: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4" aria-label="Publish a version" key={state.ok ? `published-${state.message}` : "editing"}>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <SelectField name="kind" label="Document" defaultValue={v.kind ?? "terms"} error={e.kind} options={[{ value: "terms", label: "Terms of service" }, { value: "privacy", label: "Privacy notice" }]} />
      <Field name="title" label="Title" defaultValue={v.title ?? ""} error={e.title} maxLength={TITLE_MAX_LENGTH} />
      <TextAreaField name="body" label="Text" defaultValue={v.body ?? ""} error={e.body} rows={12} hint="Plain text. Blank lines separate paragraphs; # starts a heading, - a list item; **bold**, *italic*, [a link](https://…). HTML is shown as text." />
      <Field name="effectiveAt" label="Effective from (UTC)" type="date" defaultValue={v.effectiveAt ?? today} error={e.effectiveAt} />
      <label className="flex items-start gap-2 text-sm font-medium">
        <input type="checkbox" name="requiresAcceptance" defaultChecked={v.requiresAcceptance === "on"} className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600" />
        <span>Customers must accept it (at registration, and at their next sign-in once it is in effect)</span>
      </label>
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Publishing…" : "Publish"}
      </Button>
    </form>
  );
}
