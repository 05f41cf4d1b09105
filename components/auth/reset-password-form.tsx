"use client";
import Link from "next/link";
import { useActionState, useState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";
import { PasswordStrength } from "./password-strength";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/** The sign-in methods besides the password: those the reset removes, and the others (kept unless ticked). */
export interface ResetMethods {
  recent: string[];
  others: string[];
  /** "4 December 2026": methods added since then count as recent. */
  since: string;
}

export function ResetPasswordForm({ action, token, methods }: { action: Action; token: string; methods?: ResetMethods }) {
  const [state, formAction, pending] = useActionState(action, {});
  const [password, setPassword] = useState("");
  if (state.ok) {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <Link href="/login" className="block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form action={formAction} noValidate className="space-y-5">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <Field
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        maxLength={512}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={state.fieldErrors?.password}
        hint={<PasswordStrength password={password} />}
      />
      {methods && methods.recent.length ? (
        <div className="space-y-1 text-sm">
          <p id="recent-methods">These sign-in methods were added to your account recently (since {methods.since}) and will be removed:</p>
          <ul aria-labelledby="recent-methods" className="list-disc pl-5">
            {methods.recent.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {methods && methods.others.length ? (
        <div className="space-y-1 text-sm">
          <p id="other-methods">{methods.recent.length ? "Your other sign-in methods stay:" : "Your sign-in methods stay:"}</p>
          <ul aria-labelledby="other-methods" className="list-disc pl-5">
            {methods.others.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
          <label className="flex items-start gap-2 pt-1">
            <input type="checkbox" name="removeAll" value="on" className="mt-1" />
            <span>Also remove all my other sign-in methods (if you did not add them all yourself, or no longer have them)</span>
          </label>
          {/* The mailbox alone must not strip long-standing methods: a recovery code proves the owner. */}
          <Field
            name="recoveryCode"
            label="Recovery code (only to remove all)"
            autoComplete="one-time-code"
            spellCheck={false}
            maxLength={64}
            error={state.fieldErrors?.recoveryCode}
            hint="One of the recovery codes you saved when you set up two-step verification."
          />
        </div>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
