"use client";
import Link from "next/link";
import { useActionState, useState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { registrationSchema } from "@/lib/users/users.schema";
import type { FormState } from "@/lib/http/form-action";
import { AltchaWidget } from "./altcha-widget";
import { PasswordStrength } from "./password-strength";
import { TermsAcceptance } from "./terms-acceptance";
import { PurposeConsentCheckbox, type OfferedPurpose } from "./purpose-consent-checkbox";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/** Format checks run here with the server's own zod schema; the server re-checks everything. */
function clientErrors(form: FormData): Record<string, string> | null {
  const parsed = registrationSchema.safeParse({
    email: form.get("email"),
    password: form.get("password"),
    displayName: form.get("displayName") ?? undefined,
    acceptTerms: form.get("acceptTerms") ?? undefined,
  });
  if (parsed.success) return null;
  const out: Record<string, string> = {};
  for (const issue of parsed.error.issues) out[String(issue.path[0])] ??= issue.message;
  return out;
}

/**
 * `documents`: the ids of the current versions of the terms and privacy notice the links show.
 * `purposes`: the consent purposes offered at registration, each an unticked box (never required).
 */
export function RegisterForm({ action, documents = [], purposes = [] }: { action: Action; documents?: string[]; purposes?: OfferedPurpose[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  const [local, setLocal] = useState<Record<string, string> | null>(null);
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState(state.values?.email ?? "");
  const [displayName, setDisplayName] = useState(state.values?.displayName ?? "");

  if (state.ok) {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <Link href="/login" className="block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Go to sign in
        </Link>
      </div>
    );
  }
  const errors = { ...state.fieldErrors, ...local };
  return (
    <form
      action={formAction}
      noValidate
      className="space-y-5"
      onSubmit={(e) => {
        const found = clientErrors(new FormData(e.currentTarget));
        setLocal(found);
        if (found) e.preventDefault();
      }}
    >
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <Field name="email" label="Email" type="email" autoComplete="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
      <Field
        name="displayName"
        label="Display name (optional)"
        autoComplete="name"
        maxLength={100}
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
        error={errors.displayName}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        maxLength={512}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
        hint={<PasswordStrength password={password} email={email} displayName={displayName} />}
      />
      <TermsAcceptance documents={documents} error={errors.acceptTerms} />
      {purposes.length || errors.purposes ? (
        <div className="space-y-3" role="group" aria-labelledby="register-purposes" aria-describedby={errors.purposes ? "field-purposes-error" : undefined}>
          <p id="register-purposes" className="text-sm text-slate-700 dark:text-slate-300">
            Optional: agreeing is up to you and does not change your account. You can withdraw it at any time from your account&apos;s privacy page.
          </p>
          {purposes.map((p) => (
            <PurposeConsentCheckbox key={p.key} purpose={p} checked={state.values?.[`consent.${p.key}`] === String(p.version)} />
          ))}
          {errors.purposes ? (
            <p id="field-purposes-error" role="alert" className="text-sm text-red-600 dark:text-red-400">
              {errors.purposes}
            </p>
          ) : null}
        </div>
      ) : null}
      <AltchaWidget error={errors.captcha} />
      <Button type="submit" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
