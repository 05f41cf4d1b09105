"use client";
import { useActionState } from "react";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState) => Promise<FormState>;

/** A change of the sign-in email waiting for the new mailbox, with a way to call it off. */
export function PendingEmailChange({ email, expiresAt, action }: { email: string; expiresAt: Date; action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <div role="status" data-testid="pending-email-change" className="mb-4 max-w-md rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100">
      {state.ok ? (
        <p>{state.message}</p>
      ) : (
        <>
          <p>
            Pending change to <strong data-testid="pending-email">{email}</strong>: it happens when the link we sent there is opened, until{" "}
            <time dateTime={expiresAt.toISOString()}>{expiresAt.toUTCString()}</time>.
          </p>
          {state.message ? <p className="mt-2 font-medium">{state.message}</p> : null}
          <form action={formAction} className="mt-2">
            <button type="submit" disabled={pending} className="font-semibold underline">
              {pending ? "Cancelling…" : "Cancel this change"}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
