"use client";
import { useActionState } from "react";
import { NavigatingForm } from "@/components/auth/navigating-form";
import type { FormState } from "@/lib/http/form-action";
import { secondaryButton } from "@/components/ui/styles";

/** "Not now" to the offer of two-step verification: the sign-in continues to the application. */
export function NotNowForm({ action, next }: { action: (prev: FormState, form: FormData) => Promise<FormState>; next: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <NavigatingForm state={state} action={formAction}>
      <input type="hidden" name="next" value={next} />
      <button type="submit" disabled={pending} className={secondaryButton}>
        {pending ? "Continuing…" : "Not now"}
      </button>
    </NavigatingForm>
  );
}
