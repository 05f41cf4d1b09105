"use client";
import { useActionState } from "react";
import { NavigatingForm } from "@/components/auth/navigating-form";
import type { FormState } from "@/lib/http/form-action";

/** "Not now" to the offer of two-step verification: the sign-in continues to the application. */
export function NotNowForm({ action, next }: { action: (prev: FormState, form: FormData) => Promise<FormState>; next: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <NavigatingForm state={state} action={formAction}>
      <input type="hidden" name="next" value={next} />
      <button type="submit" disabled={pending} className="rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
        {pending ? "Continuing…" : "Not now"}
      </button>
    </NavigatingForm>
  );
}
