"use client";
import { useActionState } from "react";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState) => Promise<FormState>;

export function UnverifiedBanner({ email, action }: { email: string; action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <div role="status" data-testid="unverified-banner" className="mb-6 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100">
      <p>
        Please verify your email address <strong>{email}</strong>. Check your inbox for our link.
      </p>
      {state.message ? <p className="mt-2 font-medium">{state.message}</p> : null}
      {!state.ok ? (
        <form action={formAction} className="mt-2">
          <button type="submit" disabled={pending} className="font-semibold underline">
            {pending ? "Sending…" : "Send the link again"}
          </button>
        </form>
      ) : null}
    </div>
  );
}
