"use client";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function EmailForm({ action, submitLabel }: { action: Action; submitLabel: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.ok) return <Alert tone="success">{state.message}</Alert>;
  return (
    <form action={formAction} noValidate className="space-y-5">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <Field name="email" label="Email" type="email" autoComplete="email" required maxLength={254} defaultValue={state.values?.email} error={state.fieldErrors?.email} />
      <Button type="submit" disabled={pending}>
        {pending ? "Sending…" : submitLabel}
      </Button>
    </form>
  );
}
