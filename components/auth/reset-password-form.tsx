"use client";
import Link from "next/link";
import { useActionState, useState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";
import { PasswordStrength } from "./password-strength";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ResetPasswordForm({ action, token }: { action: Action; token: string }) {
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
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
