"use client";
// The groups console's forms: a new group, a rename, a deletion with confirmation, adding a member by
// sign-in address and removing one. The domain's errors come back beside their field.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { smallButton } from "@/components/ui/styles";
import type { FormState } from "@/lib/http/form-action";
import { CheckboxField } from "./form-controls";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

function Outcome({ state }: { state: FormState }) {
  if (state.message && !state.ok) return <Alert tone="error">{state.message}</Alert>;
  return state.ok && state.message ? <Alert tone="success">{state.message}</Alert> : null;
}

export function NewGroupForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" aria-label="New group">
      <Outcome state={state} />
      <Field id="new-group-displayName" name="displayName" label="Name" hint="Unique, ignoring case." error={state.fieldErrors?.displayName} defaultValue={state.values?.displayName} maxLength={256} required />
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Creating…" : "Create group"}
      </Button>
    </form>
  );
}

export function RenameGroupForm({ action, id, displayName }: { action: Action; id: string; displayName: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" aria-label="Rename group">
      <Outcome state={state} />
      <input type="hidden" name="id" value={id} />
      <Field id={`group-${id}-displayName`} name="displayName" label="Name" error={state.fieldErrors?.displayName} defaultValue={state.values?.displayName ?? displayName} maxLength={256} required />
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Rename"}
      </Button>
    </form>
  );
}

export function DeleteGroupForm({ action, id, displayName, memberCount }: { action: Action; id: string; displayName: string; memberCount: number }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <details className="group">
      <summary className={`${smallButton} inline-block cursor-pointer list-none text-red-700 dark:text-red-300`}>Delete group…</summary>
      <form action={formAction} className="mt-3 space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 dark:border-red-900 dark:bg-red-950" aria-label={`Delete ${displayName}`}>
        {state.message ? <Alert tone="error">{state.message}</Alert> : null}
        <input type="hidden" name="id" value={id} />
        <p className="text-sm text-red-900 dark:text-red-100">
          <strong>{displayName}</strong> and its {memberCount} {memberCount === 1 ? "membership" : "memberships"} are deleted; the accounts stay. Applications and provisioning clients that rely on the group no longer
          see it.
        </p>
        <CheckboxField id={`delete-group-${id}-confirm`} name="confirm" label={`Delete ${displayName}`} error={state.fieldErrors?.confirm} />
        <button
          type="submit"
          disabled={pending}
          className="rounded-lg bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:bg-red-400"
        >
          {pending ? "Deleting…" : "Yes, delete it"}
        </button>
      </form>
    </details>
  );
}

export function AddMemberForm({ action, id }: { action: Action; id: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" aria-label="Add a member" key={state.ok ? state.message : "form"}>
      <Outcome state={state} />
      <input type="hidden" name="id" value={id} />
      <Field id={`group-${id}-email`} name="email" type="email" label="Email address" hint="The account's sign-in address. Staff cannot be members." error={state.fieldErrors?.email} defaultValue={state.ok ? undefined : state.values?.email} maxLength={320} autoComplete="off" required />
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Adding…" : "Add member"}
      </Button>
    </form>
  );
}

export function RemoveMemberButton({ action, id, userId, label }: { action: Action; id: string; userId: string; label: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} aria-label={`Remove ${label}`} className="inline">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="userId" value={userId} />
      <button type="submit" disabled={pending} className={smallButton}>
        {pending ? "Removing…" : "Remove"}
      </button>
      {state.message && !state.ok ? <span role="alert" className="ml-2 text-xs text-red-600 dark:text-red-400">{state.message}</span> : null}
    </form>
  );
}
