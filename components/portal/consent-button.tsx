"use client";
// One button that gives or withdraws consent to a purpose and shows a refusal beside it. Works
// without JavaScript like every other form.
import { useActionState } from "react";
import type { FormState } from "@/lib/http/form-action";
import { secondaryButton } from "@/components/ui/styles";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ConsentButton({ action, label, ariaLabel, purpose, version }: { action: Action; label: string; ariaLabel: string; purpose: string; version?: number }) {
  const [state, formAction, pending] = useActionState(action, {});
  const error = state.ok ? undefined : (state.message ?? Object.values(state.fieldErrors ?? {})[0]);
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <input type="hidden" name="purpose" value={purpose} />
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <button type="submit" disabled={pending} className={secondaryButton} aria-label={ariaLabel}>
        {pending ? "Saving…" : label}
      </button>
      {error ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </form>
  );
}
