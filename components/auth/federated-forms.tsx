"use client";
// The two pages a federated sign-in may stop at: confirming a new account made from what the
// identity provider shared (terms accepted, purposes offered unticked), and proving an existing
// account with its password before the provider is linked to it. Both work without JavaScript.
import Link from "next/link";
import { Fragment, useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { NavigatingForm } from "./navigating-form";
import { TermsAcceptance } from "./terms-acceptance";
import { PurposeConsentCheckbox, type OfferedPurpose } from "./purpose-consent-checkbox";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export interface ImportedProfile {
  connection: string;
  email: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  /** Custom attributes the provider sent, as the account will hold them. */
  attributes?: { label: string; value: string }[];
}

export function FederatedRegisterForm({ action, token, profile, documents, purposes }: { action: Action; token: string; profile: ImportedProfile; documents: string[]; purposes: OfferedPurpose[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <NavigatingForm state={state} action={formAction}>
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <div className="rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-700" data-testid="imported-profile">
        <p className="font-medium">From {profile.connection}</p>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          <dt className="text-slate-500">Email</dt>
          <dd>{profile.email} (confirmed by {profile.connection})</dd>
          {profile.givenName ? (
            <>
              <dt className="text-slate-500">Given name</dt>
              <dd>{profile.givenName}</dd>
            </>
          ) : null}
          {profile.familyName ? (
            <>
              <dt className="text-slate-500">Family name</dt>
              <dd>{profile.familyName}</dd>
            </>
          ) : null}
          {(profile.attributes ?? []).map((a) => (
            <Fragment key={a.label}>
              <dt className="text-slate-500">{a.label}</dt>
              <dd>{a.value}</dd>
            </Fragment>
          ))}
        </dl>
      </div>
      <Field name="displayName" label="Display name" autoComplete="name" maxLength={100} defaultValue={state.values?.displayName ?? profile.name ?? ""} error={errors.displayName} />
      <TermsAcceptance documents={documents} error={errors.acceptTerms} />
      {purposes.length ? (
        <div className="space-y-3" role="group" aria-label="Optional uses of your data">
          <p className="text-sm text-slate-700 dark:text-slate-300">Optional: agreeing is up to you and does not change your account.</p>
          {purposes.map((p) => (
            <PurposeConsentCheckbox key={p.key} purpose={p} checked={state.values?.[`consent.${p.key}`] === String(p.version)} />
          ))}
          {errors.purposes ? (
            <p role="alert" className="text-sm text-red-600 dark:text-red-400">
              {errors.purposes}
            </p>
          ) : null}
        </div>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </Button>
    </NavigatingForm>
  );
}

export function FederatedLinkForm({ action, token, email, connection }: { action: Action; token: string; email: string; connection: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <NavigatingForm state={state} action={formAction}>
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <p className="text-sm text-slate-700 dark:text-slate-300">
        If you have an account with <strong>{email}</strong>, enter its password to link {connection} to it; from then on you can sign in with either. If you have none,{" "}
        <Link href="/register" className="font-medium text-indigo-600 underline dark:text-indigo-400">
          create an account
        </Link>{" "}
        with your email address first, then link {connection} from your account page.
      </p>
      <input type="hidden" name="token" value={token} />
      <Field name="password" label="Password" type="password" autoComplete="current-password" maxLength={512} error={state.fieldErrors?.password} />
      <Button type="submit" disabled={pending}>
        {pending ? "Linking…" : `Link ${connection} and sign in`}
      </Button>
      <p className="text-center text-sm">
        <Link href="/forgot-password" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Forgot your password?
        </Link>
      </p>
    </NavigatingForm>
  );
}
