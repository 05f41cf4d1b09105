"use client";
// Outbound provisioning targets: the target's form (new or edit; the attribute mapping as one
// `target = source` per line), replacing its token, the one-button actions (enable, disable, sync
// now, reconcile now) and a deletion behind a confirmation. Errors come back beside their field.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { smallButton } from "@/components/ui/styles";
import type { FormState } from "@/lib/http/form-action";
import { CheckboxField, SelectField, TextAreaField } from "./form-controls";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

function Outcome({ state }: { state: FormState }) {
  if (state.message && !state.ok) return <Alert tone="error">{state.message}</Alert>;
  return state.ok && state.message ? <Alert tone="success">{state.message}</Alert> : null;
}

export interface TargetFormValues {
  id?: string;
  name: string;
  baseUrl: string;
  mapping: string;
  scope: string;
  scopeGroup: string;
  scopeApplicationId: string;
  onLeave: string;
}

const SCOPES = [
  { value: "all", label: "All customers" },
  { value: "group", label: "Members of a group" },
  { value: "application", label: "Users holding a role of an application" },
] as const;
const ON_LEAVE = [
  { value: "deactivate", label: "Deactivate them (active = false)" },
  { value: "delete", label: "Delete them" },
] as const;

export function TargetForm({ action, initial, sources }: { action: Action; initial: TargetFormValues; sources: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  const v: Record<string, string | undefined> = { ...initial, ...(state.ok ? {} : state.values) };
  const isNew = !initial.id;
  const prefix = initial.id ? `target-${initial.id}` : "new-target";
  return (
    <form action={formAction} noValidate className="grid max-w-3xl gap-4" aria-label={isNew ? "New provisioning target" : "Edit provisioning target"}>
      <Outcome state={state} />
      {initial.id ? <input type="hidden" name="id" value={initial.id} /> : null}
      <Field id={`${prefix}-name`} name="name" label="Name" required maxLength={100} defaultValue={v.name} error={state.fieldErrors?.name} hint="The service, e.g. the HR system." />
      <Field
        id={`${prefix}-baseUrl`}
        name="baseUrl"
        label="SCIM base URL"
        required
        maxLength={2000}
        defaultValue={v.baseUrl}
        error={state.fieldErrors?.baseUrl}
        hint="The URL under which the service serves /Users, e.g. https://hr.example.com/scim/v2."
      />
      {isNew ? (
        <Field id={`${prefix}-token`} name="token" label="Bearer token" type="password" autoComplete="off" required error={state.fieldErrors?.token} hint="Sent as Authorization: Bearer …; kept encrypted and never shown again." />
      ) : (
        <Field id={`${prefix}-token`} name="token" label="Bearer token (only with a new host)" type="password" autoComplete="off" error={state.fieldErrors?.token} hint="Leave empty to keep the current token; an address on another host needs that service's token." />
      )}
      <TextAreaField
        id={`${prefix}-mapping`}
        name="mapping"
        label="Attribute mapping"
        rows={8}
        defaultValue={v.mapping}
        error={state.fieldErrors?.mapping}
        className="font-mono text-sm"
        hint={
          <>
            One <code>SCIM attribute = Portico attribute</code> per line; empty for the default. Portico attributes: {sources}, or <code>attribute:&lt;name&gt;</code> for a custom attribute. <code>active</code> is always
            sent (false while the account is disabled).
          </>
        }
      />
      <SelectField id={`${prefix}-scope`} name="scope" label="Who is provisioned" options={SCOPES} defaultValue={v.scope} error={state.fieldErrors?.scope} hint="Administrators and accounts without a sign-in address never are." />
      <Field id={`${prefix}-scopeGroup`} name="scopeGroup" label="Group (when members of a group)" maxLength={256} defaultValue={v.scopeGroup} error={state.fieldErrors?.scopeGroup} />
      <Field id={`${prefix}-scopeApplicationId`} name="scopeApplicationId" label="Application id or client ID (when holders of a role)" maxLength={100} defaultValue={v.scopeApplicationId} error={state.fieldErrors?.scopeApplicationId} />
      <SelectField id={`${prefix}-onLeave`} name="onLeave" label="Users who leave the scope" options={ON_LEAVE} defaultValue={v.onLeave} error={state.fieldErrors?.onLeave} hint="Erased accounts are always deleted." />
      {isNew ? <CheckboxField id={`${prefix}-enabled`} name="enabled" label="Enable now and push everyone in scope" defaultChecked={v.enabled === "on"} error={state.fieldErrors?.enabled} /> : null}
      <div>
        <Button type="submit" disabled={pending} className="sm:w-auto">
          {pending ? "Saving…" : isNew ? "Create target" : "Save"}
        </Button>
      </div>
    </form>
  );
}

export function ReplaceTokenForm({ action, id }: { action: Action; id: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} noValidate className="grid max-w-3xl gap-4" aria-label="Replace the token">
      <Outcome state={state} />
      <input type="hidden" name="id" value={id} />
      <Field id={`target-${id}-token`} name="token" label="New bearer token" type="password" autoComplete="off" required error={state.fieldErrors?.token} />
      <div>
        <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
          {pending ? "Replacing…" : "Replace token"}
        </Button>
      </div>
    </form>
  );
}

/** One button posting the target's id (and a fixed value). */
export function TargetButton({ action, id, label, name, value }: { action: Action; id: string; label: string; name?: string; value?: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  const error = state.ok ? undefined : (state.message ?? Object.values(state.fieldErrors ?? {})[0]);
  return (
    <form action={formAction} className="inline-flex flex-col gap-1" aria-label={label}>
      <input type="hidden" name="id" value={id} />
      {name ? <input type="hidden" name={name} value={value} /> : null}
      <button type="submit" className={smallButton} disabled={pending}>
        {label}
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </span>
      ) : null}
      {state.ok && state.message ? <span className="text-xs text-slate-600 dark:text-slate-400">{state.message}</span> : null}
    </form>
  );
}

export function DeleteTargetForm({ action, id, name }: { action: Action; id: string; name: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <details>
      <summary className={`${smallButton} inline-block cursor-pointer list-none text-red-700 dark:text-red-300`}>Delete target…</summary>
      <form action={formAction} className="mt-3 max-w-xl space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 dark:border-red-900 dark:bg-red-950" aria-label={`Delete ${name}`}>
        {state.message ? <Alert tone="error">{state.message}</Alert> : null}
        <input type="hidden" name="id" value={id} />
        <p className="text-sm text-red-900 dark:text-red-100">
          <strong>{name}</strong>, its log and what it knows of the users pushed are deleted. The users at the service stay as they are.
        </p>
        <CheckboxField id={`delete-target-${id}-confirm`} name="confirm" label={`Delete ${name}`} error={state.fieldErrors?.confirm} />
        <button type="submit" disabled={pending} className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60">
          {pending ? "Deleting…" : "Delete"}
        </button>
      </form>
    </details>
  );
}
