"use client";
// The security page's password change: current password, new password (with the registration
// form's strength hint, the same policy code the server enforces) and its confirmation; each error
// beside its field. Without JavaScript it posts and renders the same way.
import { useActionState, useState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { PasswordStrength } from "@/components/auth/password-strength";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ChangePasswordForm({ action, email, displayName }: { action: Action; email: string; displayName?: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  const [password, setPassword] = useState("");
  const e = state.fieldErrors ?? {};
  return (
    // A new key after a success empties the fields (passwords are never echoed back).
    <form action={formAction} noValidate className="max-w-md space-y-4" key={state.ok ? "changed" : "editing"} onSubmit={() => setPassword("")}>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required maxLength={512} error={e.currentPassword} />
      <Field
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        maxLength={512}
        onChange={(ev) => setPassword(ev.target.value)}
        error={e.newPassword}
        hint={<PasswordStrength password={password} email={email} displayName={displayName} />}
      />
      <Field name="confirmPassword" label="Confirm new password" type="password" autoComplete="new-password" required maxLength={512} error={e.confirmPassword} />
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
