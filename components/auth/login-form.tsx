"use client";
import Link from "next/link";
import { useActionState } from "react";
import { NavigatingForm } from "./navigating-form";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function LoginForm({ action, next, email }: { action: Action; next: string; email?: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <NavigatingForm state={state} action={formAction}>
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
    </NavigatingForm>
  );
}
