"use client";
// The console user page's actions: each a small form posting the customer's id, its result shown
// beside it. Destructive ones sit behind a confirmation step: a <details> that opens the real form,
// so the step works without JavaScript too.
import { useActionState, type ReactNode } from "react";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { smallButton } from "@/components/ui/styles";
import type { FormState } from "@/lib/http/form-action";
import { useNotifyingAction } from "./console-notices";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

const dangerButton =
  "rounded-md bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:bg-red-400";

export function UserActionForm({
  action,
  userId,
  label,
  description,
  confirm,
  hidden = {},
  children,
}: {
  action: Action;
  userId: string;
  label: string;
  description?: ReactNode;
  /** A destructive action: what the confirmation step says; the form is inside it. */
  confirm?: ReactNode;
  hidden?: Record<string, string>;
  /** Extra inputs (a lock length, a typed confirmation). */
  children?: ReactNode;
}) {
  // The form may be gone once the page re-renders (Unlock becomes Lock): success is a toast.
  const [state, formAction, pending] = useActionState<FormState, FormData>(useNotifyingAction(action), {});
  const errors = state.fieldErrors ?? {};
  const form = (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="userId" value={userId} />
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {children}
      {Object.values(errors).length ? <Alert tone="error">{Object.values(errors)[0]}</Alert> : null}
      <button type="submit" disabled={pending} className={confirm ? dangerButton : smallButton}>
        {pending ? "Working…" : confirm ? `Yes, ${label.toLowerCase()}` : label}
      </button>
    </form>
  );
  return (
    <div className="space-y-2">
      {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
      {description ? <p className="text-sm text-slate-600 dark:text-slate-400">{description}</p> : null}
      {confirm ? (
        <details className="group">
          <summary className={`${smallButton} inline-block cursor-pointer list-none text-red-700 dark:text-red-300`}>{label}…</summary>
          <div className="mt-2 space-y-2 rounded-lg border border-red-300 bg-red-50 p-3 dark:border-red-900 dark:bg-red-950">
            <p className="text-sm font-medium text-red-900 dark:text-red-100">{confirm}</p>
            {form}
          </div>
        </details>
      ) : (
        form
      )}
    </div>
  );
}

/** The lock form: how long. */
export function LockUserForm({ action, userId, options }: { action: Action; userId: string; options: { minutes: number; label: string }[] }) {
  return (
    <UserActionForm action={action} userId={userId} label="Lock sign-in" description="Sign-in is refused for the chosen time. A password reset by the owner lifts it, as every lock: to keep someone out, disable the account.">
      <label className="flex items-center gap-2 text-sm">
        For
        <select name="minutes" className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900">
          {options.map((o) => (
            <option key={o.minutes} value={o.minutes}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
    </UserActionForm>
  );
}

/** Deleting at once: the administrator types the account's address. */
export function DeleteNowForm({ action, userId, email }: { action: Action; userId: string; email: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  if (state.ok) {
    return (
      <Alert tone="success">
        {state.message} <Link href="/admin/users" className="font-medium underline">Back to users</Link>
      </Alert>
    );
  }
  return (
    <details>
      <summary className={`${smallButton} inline-block cursor-pointer list-none text-red-700 dark:text-red-300`}>Delete now…</summary>
      <form action={formAction} className="mt-2 space-y-3 rounded-lg border border-red-300 bg-red-50 p-3 dark:border-red-900 dark:bg-red-950">
        {state.message ? <Alert tone="error">{state.message}</Alert> : null}
        <input type="hidden" name="userId" value={userId} />
        <p className="text-sm font-medium text-red-900 dark:text-red-100">
          Erase this account and its data now, without the grace period? This cannot be undone. Type <strong>{email}</strong> to confirm.
        </p>
        <Field name="confirmation" label="Email address of the account" autoComplete="off" error={state.fieldErrors?.confirmation} defaultValue={state.values?.confirmation ?? ""} />
        <button type="submit" disabled={pending} className={dangerButton}>
          {pending ? "Erasing…" : "Erase the account"}
        </button>
      </form>
    </details>
  );
}
