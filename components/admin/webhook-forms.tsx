"use client";
// Webhook subscriptions in the console: create (the secret shown once), edit, the buttons of one
// subscription (enable/disable, rotate the secret, send a test event, delete behind a
// confirmation), replay of one delivery and of every event since a time. Errors beside the field.
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { smallButton } from "@/components/ui/styles";
import { CheckboxGroup, TextAreaField } from "./form-controls";
import { SecretBox } from "./secret-box";
import type { AdminAction, AdminFormState } from "./types";

const SECRET_HINT = (
  <p className="text-sm">
    Give it to the receiver: it verifies the <code>webhook-signature</code> header with it (Standard Webhooks). It is not shown again.
  </p>
);

function SubscriptionFields({ state, eventTypes, current }: { state: AdminFormState; eventTypes: readonly string[]; current?: { url: string; description: string; eventTypes: string[] } }) {
  const values = state.ok ? {} : (state.values ?? {});
  const checked = !state.ok && state.values?.eventTypes !== undefined ? state.values.eventTypes.split(",") : (current?.eventTypes ?? []);
  return (
    <>
      <Field name="url" label="URL" type="url" required maxLength={2000} defaultValue={values.url ?? current?.url ?? ""} error={state.fieldErrors?.url} hint="https://… (plain http only for a receiver on a loopback or private address the outbound policy allows)." />
      <TextAreaField name="description" label="Description" rows={2} maxLength={500} defaultValue={values.description ?? current?.description ?? ""} error={state.fieldErrors?.description} />
      <CheckboxGroup name="eventTypes" label="Events" options={eventTypes.map((t) => ({ value: t, label: <code>{t}</code> }))} checked={checked} error={state.fieldErrors?.eventTypes} hint="At least one." />
    </>
  );
}

export function CreateWebhookForm({ action, eventTypes }: { action: AdminAction; eventTypes: readonly string[] }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  return (
    <div className="space-y-4">
      {state.ok && state.secret ? (
        <SecretBox title={state.message ?? "Subscription created"} label="Signing secret" secret={state.secret} id="webhook-secret">
          {SECRET_HINT}
        </SecretBox>
      ) : null}
      <form action={formAction} noValidate className="max-w-2xl space-y-4">
        {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
        <SubscriptionFields state={state} eventTypes={eventTypes} />
        <Button type="submit" disabled={pending} className="sm:w-auto">
          {pending ? "Creating…" : "Create subscription"}
        </Button>
      </form>
    </div>
  );
}

export function EditWebhookForm({ action, eventTypes, subscription }: { action: AdminAction; eventTypes: readonly string[]; subscription: { id: string; url: string; description: string; eventTypes: string[] } }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  return (
    <form action={formAction} noValidate className="max-w-2xl space-y-4">
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <input type="hidden" name="id" value={subscription.id} />
      <SubscriptionFields state={state} eventTypes={eventTypes} current={subscription} />
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}

/** A one-button action on a subscription or a delivery; a secret in the answer is shown once. */
export function WebhookButton({ action, fields, label, pendingLabel, confirm, danger }: { action: AdminAction; fields: Record<string, string>; label: string; pendingLabel: string; confirm?: string; danger?: boolean }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  const error = state.ok ? undefined : (state.message ?? Object.values(state.fieldErrors ?? {})[0]);
  const form = (
    <form action={formAction} className="inline-block space-y-2" aria-label={label}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {confirm ? <p className="text-sm">{confirm}</p> : null}
      <button type="submit" disabled={pending} className={danger ? "rounded-md bg-red-600 px-3 py-1.5 text-xs font-semibold text-white hover:bg-red-500 disabled:bg-red-400" : smallButton}>
        {pending ? pendingLabel : confirm ? `Yes, ${label.toLowerCase()}` : label}
      </button>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {state.ok && state.message && !state.secret ? <p className="text-sm text-slate-600 dark:text-slate-400" role="status">{state.message}</p> : null}
      {state.ok && state.secret ? (
        <SecretBox title={state.message ?? "New secret"} label="Signing secret" secret={state.secret} id={`secret-${fields.id ?? "x"}`}>
          {SECRET_HINT}
        </SecretBox>
      ) : null}
    </form>
  );
  if (!confirm) return form;
  return (
    <details className="inline-block text-left">
      <summary className={`${smallButton} cursor-pointer list-none ${danger ? "text-red-700 dark:text-red-300" : ""}`}>{label}</summary>
      <div className={`mt-2 rounded-lg border p-3 text-sm ${danger ? "border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950" : "border-slate-300 dark:border-slate-700"}`}>{form}</div>
    </details>
  );
}

export function ReplaySinceForm({ action, subscriptionId, defaultSince }: { action: AdminAction; subscriptionId: string; defaultSince: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  const values = state.ok ? {} : (state.values ?? {});
  return (
    <form action={formAction} noValidate className="flex max-w-2xl flex-wrap items-end gap-3">
      <input type="hidden" name="id" value={subscriptionId} />
      <div className="min-w-64">
        <Field name="since" label="Replay events since (UTC)" type="datetime-local" required defaultValue={values.since ?? defaultSince} error={state.fieldErrors?.since} hint="Events are kept for 30 days." />
      </div>
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Queueing…" : "Replay"}
      </Button>
      {state.message ? (
        <div className="w-full">
          <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert>
        </div>
      ) : null}
    </form>
  );
}
