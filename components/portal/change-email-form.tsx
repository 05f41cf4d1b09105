"use client";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ChangeEmailForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.ok) return <Alert tone="success">{state.message}</Alert>;
  return (
    <form action={formAction} noValidate className="max-w-md space-y-4">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <Field name="newEmail" label="New email" type="email" autoComplete="email" required maxLength={254} defaultValue={state.values?.newEmail} error={state.fieldErrors?.newEmail} />
      <Field name="password" label="Current password" type="password" autoComplete="current-password" required maxLength={512} error={state.fieldErrors?.password} />
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Change email"}
      </Button>
    </form>
  );
}
