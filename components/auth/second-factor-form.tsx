"use client";
import { useActionState, useEffect } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/** The second step of a sign-in: a code from the authenticator app, or a recovery code. */
export function SecondFactorForm({ action, method }: { action: Action; method: "totp" | "recovery" }) {
  const [state, formAction, pending] = useActionState(action, {});
  useEffect(() => {
    if (state.redirectTo) window.location.assign(state.redirectTo);
  }, [state.redirectTo]);
  const totp = method === "totp";
  return (
    <form
      action={formAction}
      noValidate
      className="space-y-5"
      onSubmit={(e) => {
        (e.currentTarget.elements.namedItem("js") as HTMLInputElement).value = "1";
      }}
    >
      <input type="hidden" name="js" defaultValue="0" />
      <input type="hidden" name="method" value={method} />
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <Field
        name="code"
        label={totp ? "Code from your authenticator app" : "Recovery code"}
        autoComplete="one-time-code"
        inputMode={totp ? "numeric" : "text"}
        pattern={totp ? "[0-9]{6}" : undefined}
        maxLength={totp ? 6 : 20}
        required
        autoFocus
        spellCheck={false}
        error={state.fieldErrors?.code}
        hint={totp ? "Six digits; a new code appears every 30 seconds." : "One of the ten codes you saved, like abcde-fghjk. Each works once."}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Checking…" : "Continue"}
      </Button>
    </form>
  );
}
