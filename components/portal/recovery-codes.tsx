"use client";
import Link from "next/link";
import { useActionState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { secondaryButton } from "@/components/ui/styles";

type CodesState = FormState & { recoveryCodes?: string[] };

/** Shown once, right after they are made: nothing can display them again. */
export function RecoveryCodeList({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-3">
      <Alert tone="success">
        Save these recovery codes somewhere safe (a password manager, or printed). Each one signs you in once if you lose your phone. They will not be shown again.
      </Alert>
      <ol data-testid="recovery-codes" className="grid grid-cols-2 gap-2 rounded-xl border border-slate-200 bg-white p-4 font-mono text-sm dark:border-slate-700 dark:bg-slate-900">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
    </div>
  );
}

/**
 * Right after a factor is added: what changed, the recovery codes when it was the first factor,
 * and the way on. `next`: an application waiting for this (its sign-in continues there), else
 * the security page.
 */
export function FactorAdded({ message, recoveryCodes, next, onDone }: { message: string; recoveryCodes?: string[]; next?: string; onDone?: () => void }) {
  return (
    <div className="space-y-4">
      <Alert tone="success">{message}</Alert>
      {recoveryCodes ? <RecoveryCodeList codes={recoveryCodes} /> : null}
      {next ? (
        // A plain navigation: `next` may be /oauth2/authorize, a route handler rather than a page.
        <a href={next} className="inline-block font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Continue
        </a>
      ) : (
        <Link href="/account/security" className="inline-block font-medium text-indigo-600 hover:underline dark:text-indigo-400" onClick={onDone}>
          Done
        </Link>
      )}
    </div>
  );
}

/** Activates an enrolment (an authenticator app, a phone number) with the first code it gives. */
export function ConfirmFactorForm({
  action,
  factorId,
  next,
  codeLabel,
  enabledMessage,
  children,
}: {
  action: (prev: CodesState, form: FormData) => Promise<CodesState>;
  factorId: string;
  next?: string;
  codeLabel: string;
  enabledMessage: string;
  /** Shown under the form until the factor is on (a "send a new code" link). */
  children?: ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.ok) return <FactorAdded message={enabledMessage} recoveryCodes={state.recoveryCodes} next={next} />;
  return (
    <div className="space-y-5">
      <form action={formAction} noValidate className="max-w-sm space-y-4">
        {state.message ? <Alert tone="error">{state.message}</Alert> : null}
        <input type="hidden" name="factor" value={factorId} />
        <Field name="code" label={codeLabel} autoComplete="one-time-code" inputMode="numeric" maxLength={6} required error={state.fieldErrors?.code} />
        <Button type="submit" disabled={pending}>
          {pending ? "Checking…" : "Turn on"}
        </Button>
      </form>
      {children}
    </div>
  );
}

export function RegenerateCodesForm({ action }: { action: () => Promise<CodesState> }) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.recoveryCodes) return <RecoveryCodeList codes={state.recoveryCodes} />;
  return (
    <form action={formAction} className="space-y-3">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <button type="submit" disabled={pending} className={secondaryButton}>
        {pending ? "Generating…" : "Generate new recovery codes"}
      </button>
    </form>
  );
}
