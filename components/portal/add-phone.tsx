"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/** A mobile number for text-message codes; the action texts a code and moves on to confirm it. */
export function AddPhoneForm({ action, next, hasPhone }: { action: Action; next?: string; hasPhone: boolean }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} noValidate className="max-w-sm space-y-4">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <Field
        name="phone"
        label={hasPhone ? "New mobile number" : "Mobile number"}
        type="tel"
        autoComplete="tel"
        inputMode="tel"
        placeholder="+34 612 345 678"
        maxLength={40}
        required
        defaultValue={state.values?.phone}
        error={state.fieldErrors?.phone}
        hint="With your country code. We text a code to it now, and when you sign in."
      />
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Sending…" : "Text me a code"}
      </Button>
    </form>
  );
}

/** Sends the enrolment code again (the answer says where, or how long to wait). */
export function ResendEnrolmentCodeForm({ action, factorId }: { action: Action; factorId: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-3">
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <input type="hidden" name="factor" value={factorId} />
      <button type="submit" disabled={pending} className="text-sm font-medium text-indigo-600 hover:underline disabled:opacity-60 dark:text-indigo-400">
        {pending ? "Sending…" : "Send a new code"}
      </button>
    </form>
  );
}
