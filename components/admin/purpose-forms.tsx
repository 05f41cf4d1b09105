"use client";
// The purposes console's forms: a new purpose with its first text, an edit of one, and a new version of a text.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { LEGAL_BASES, LEGAL_BASIS_LABELS } from "@/lib/consents/consents.schema";
import { CheckboxField, SelectField, TextAreaField } from "./form-controls";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

function Outcome({ state }: { state: FormState }) {
  if (state.message && !state.ok) return <Alert tone="error">{state.message}</Alert>;
  return state.ok && state.message ? <Alert tone="success">{state.message}</Alert> : null;
}

/**
 * A new purpose with its first text, or (`purposeKey`) an edit of one: everything but its key and
 * its text, which changes by publishing a version (PublishVersionForm).
 */
export function PurposeForm({ action, purposeKey, initial = {} }: { action: Action; purposeKey?: string; initial?: Record<string, string> }) {
  const [state, formAction, pending] = useActionState(action, {});
  const e = state.fieldErrors ?? {};
  const v = state.ok && !purposeKey ? {} : (state.values ?? initial);
  const prefix = purposeKey ? `purpose-${purposeKey}-` : "new-purpose-";
  return (
    <form action={formAction} className="space-y-4" aria-label={purposeKey ? `Edit ${purposeKey}` : "New purpose"} key={state.ok && !purposeKey ? state.message : "form"}>
      <Outcome state={state} />
      {purposeKey ? (
        <input type="hidden" name="key" value={purposeKey} />
      ) : (
        <Field id={`${prefix}key`} name="key" label="Key" hint="Stable identifier applications use, e.g. marketing-emails. It never changes." error={e.key} defaultValue={v.key} maxLength={64} required />
      )}
      <Field id={`${prefix}name`} name="name" label="Name" error={e.name} defaultValue={v.name} maxLength={120} required />
      <SelectField
        id={`${prefix}legalBasis`}
        name="legalBasis"
        label="Legal basis"
        error={e.legalBasis}
        defaultValue={v.legalBasis ?? "consent"}
        options={LEGAL_BASES.map((b) => ({ value: b, label: LEGAL_BASIS_LABELS[b] }))}
        hint={purposeKey ? "While anyone's consent to the purpose stands, it stays consent and what the purpose covers can only narrow." : undefined}
      />
      <Field id={`${prefix}dataCategories`} name="dataCategories" label="Data categories" hint="Comma-separated, e.g. email, name, purchase history." error={e.dataCategories} defaultValue={v.dataCategories} required />
      <Field id={`${prefix}retention`} name="retention" label="Retention" hint="How long the data is kept, e.g. until consent is withdrawn." error={e.retention} defaultValue={v.retention} maxLength={200} required />
      <Field id={`${prefix}thirdParty`} name="thirdParty" label="Third party (optional)" hint="Who the data is shared with, when the purpose shares it." error={e.thirdParty} defaultValue={v.thirdParty} maxLength={120} />
      <CheckboxField
        id={`${prefix}offerAtRegistration`}
        name="offerAtRegistration"
        label="Offer at registration"
        hint="An unticked box on the registration form, never required. Only for a purpose based on consent."
        defaultChecked={v.offerAtRegistration === "on"}
        error={e.offerAtRegistration}
      />
      {purposeKey ? null : <TextAreaField name="text" id="purpose-text" label="Text people consent to" rows={4} error={e.text} defaultValue={v.text} maxLength={4000} required />}
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? (purposeKey ? "Saving…" : "Creating…") : purposeKey ? "Save purpose" : "Create purpose"}
      </Button>
    </form>
  );
}

export function PublishVersionForm({ action, purposeKey, currentText }: { action: Action; purposeKey: string; currentText: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-3" aria-label={`New version of ${purposeKey}`}>
      <Outcome state={state} />
      <input type="hidden" name="key" value={purposeKey} />
      <TextAreaField name="text" id={`text-${purposeKey}`} label="New version of the text" rows={3} error={state.fieldErrors?.text} defaultValue={currentText} maxLength={4000} required />
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Publishing…" : "Publish new version"}
      </Button>
    </form>
  );
}
