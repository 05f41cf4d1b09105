"use client";
import { useActionState } from "react";
import { NavigatingForm } from "./navigating-form";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

const LABELS = {
  totp: { label: "Code from your authenticator app", hint: "Six digits; a new code appears every 30 seconds." },
  email: { label: "Code from the email", hint: "Six digits, valid for 10 minutes." },
  sms: { label: "Code from the text message", hint: "Six digits, valid for 10 minutes." },
  recovery: { label: "Recovery code", hint: "One of the ten codes you saved, like abcde-fghjk. Each works once." },
};

/** The second step of a sign-in: a code from the authenticator app, an email or a text message, or a recovery code. */
export function SecondFactorForm({ action, method }: { action: Action; method: keyof typeof LABELS }) {
  const [state, formAction, pending] = useActionState(action, {});
  const digits = method !== "recovery";
  return (
    <NavigatingForm state={state} action={formAction}>
      <input type="hidden" name="method" value={method} />
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <Field
        name="code"
        label={LABELS[method].label}
        autoComplete="one-time-code"
        inputMode={digits ? "numeric" : "text"}
        pattern={digits ? "[0-9]{6}" : undefined}
        maxLength={digits ? 6 : 20}
        required
        autoFocus
        spellCheck={false}
        error={state.fieldErrors?.code}
        hint={LABELS[method].hint}
      />
      <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
        <input type="checkbox" name="trust" className="h-4 w-4 rounded border-slate-300" />
        Trust this device for 30 days (do not use on a shared computer)
      </label>
      <Button type="submit" disabled={pending}>
        {pending ? "Checking…" : "Continue"}
      </Button>
    </NavigatingForm>
  );
}

/** Asks for an emailed or texted code (again): the answer says where it went, or how long to wait. */
export function SendCodeForm({ action, channel }: { action: Action; channel: "email" | "sms" }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-3">
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <button type="submit" disabled={pending} className="w-full rounded-lg px-4 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
        {pending ? "Sending…" : channel === "sms" ? "Text me a code" : "Email me a code"}
      </button>
    </form>
  );
}
