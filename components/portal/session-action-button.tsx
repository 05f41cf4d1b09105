"use client";
// One button that posts a session action (sign out one session, or all the others) and shows the
// refusal beside it when there is one; on success the action redirects back to the page. Works
// without JavaScript like every other form.
import { useActionState } from "react";
import type { FormState } from "@/lib/http/form-action";
import { secondaryButton } from "@/components/ui/styles";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function SessionActionButton({ action, label, ariaLabel, session }: { action: Action; label: string; ariaLabel?: string; session?: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      {session ? <input type="hidden" name="session" value={session} /> : null}
      <button type="submit" disabled={pending} className={secondaryButton} aria-label={ariaLabel}>
        {pending ? "Signing out…" : label}
      </button>
      {state.message ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
