"use client";
// Unlinking one identity: a confirmation step (<details>, works without JavaScript), the refusal shown beside it.
import { useActionState } from "react";
import type { FormState } from "@/lib/http/form-action";
import { secondaryButton } from "@/components/ui/styles";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function UnlinkButton({ action, identity, connection }: { action: Action; identity: string; connection: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <details className="text-right">
      <summary className={`${secondaryButton} cursor-pointer list-none`}>Unlink</summary>
      <form action={formAction} className="mt-2 space-y-2 text-left text-sm" aria-label={`Unlink ${connection}`}>
        <p>You will no longer sign in with {connection}.</p>
        <input type="hidden" name="identity" value={identity} />
        <button type="submit" disabled={pending} className="rounded-md bg-red-600 px-3 py-1.5 text-xs font-semibold text-white hover:bg-red-500">
          {pending ? "Unlinking…" : `Yes, unlink ${connection}`}
        </button>
        {state.message || state.fieldErrors ? (
          <p role="alert" className="text-sm text-red-600 dark:text-red-400">
            {state.message ?? Object.values(state.fieldErrors ?? {})[0]}
          </p>
        ) : null}
      </form>
    </details>
  );
}
