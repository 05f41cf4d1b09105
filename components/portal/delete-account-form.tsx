"use client";
import Link from "next/link";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/** The account's address typed again, then the red button; afterwards, what happens next. */
export function DeleteAccountForm({ action, email }: { action: Action; email: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.ok) {
    return (
      <div className="mt-8 max-w-xl space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <Link href="/" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Leave
        </Link>
      </div>
    );
  }
  return (
    <form action={formAction} noValidate className="mt-8 max-w-md space-y-4">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <Field
        name="confirmEmail"
        label={`Type ${email} to confirm`}
        type="email"
        autoComplete="off"
        required
        maxLength={254}
        defaultValue={state.values?.confirmEmail}
        error={state.fieldErrors?.confirmEmail}
      />
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-700 disabled:opacity-60 sm:w-auto"
      >
        {pending ? "Deleting…" : "Delete my account"}
      </button>
    </form>
  );
}
