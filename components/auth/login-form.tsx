"use client";
import Link from "next/link";
import { useActionState, useEffect } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function LoginForm({ action, next, email }: { action: Action; next: string; email?: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  useEffect(() => {
    if (state.redirectTo) window.location.assign(state.redirectTo);
  }, [state.redirectTo]);
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
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="next" value={next} />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="username webauthn"
        required
        maxLength={254}
        defaultValue={state.values?.email ?? email}
        error={state.fieldErrors?.email}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        maxLength={512}
        error={state.fieldErrors?.password}
        hint={
          <Link href="/forgot-password" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Forgot your password?
          </Link>
        }
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
