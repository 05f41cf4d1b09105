"use client";
// SCIM provisioning tokens: create one (shown once), revoke one behind a confirmation step (a
// <details>, so it works without JavaScript).
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { smallButton } from "@/components/ui/styles";
import { CheckboxField } from "./form-controls";
import { SecretBox } from "./secret-box";
import type { AdminAction, AdminFormState } from "./types";

const DEFAULT_LIFETIME_DAYS = "365";

export function CreateProvisioningTokenForm({ action, scimBaseUrl }: { action: AdminAction; scimBaseUrl: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  const values = state.ok ? {} : (state.values ?? {});
  return (
    <div className="space-y-4">
      {state.ok && state.secret ? (
        <SecretBox title={state.message ?? "Token created"} label="Provisioning token" secret={state.secret} id="provisioning-token">
          <p className="text-sm">
            Enter it in the provisioning system as the secret token (sent as <code>Authorization: Bearer …</code>), with the base URL <code>{scimBaseUrl}</code>.
          </p>
        </SecretBox>
      ) : null}
      <form action={formAction} noValidate className="grid max-w-2xl gap-4 sm:grid-cols-[1fr_10rem] sm:items-start">
        {state.message && !state.ok ? (
          <div className="sm:col-span-2">
            <Alert tone="error">{state.message}</Alert>
          </div>
        ) : null}
        <Field name="name" label="Name" required maxLength={100} defaultValue={values.name ?? ""} error={state.fieldErrors?.name} hint="The system that will use it, e.g. Entra ID." />
        <Field
          name="lifetimeDays"
          label="Valid for (days)"
          type="number"
          inputMode="numeric"
          min={1}
          max={730}
          required
          defaultValue={values.lifetimeDays ?? DEFAULT_LIFETIME_DAYS}
          error={state.fieldErrors?.lifetimeDays}
          hint="1 to 730."
        />
        <div className="sm:col-span-2">
          <CheckboxField
            name="write"
            label="Allow changes (write)"
            hint="Off: the token reads users and groups only. On: it can also create, change and delete them."
            defaultChecked={values.write === "on"}
            error={state.fieldErrors?.write}
          />
        </div>
        <div className="sm:col-span-2">
          <CheckboxField
            name="sendInvitations"
            label="Invite the users it creates"
            hint="A user created with an email address and no password is mailed a link to set one."
            defaultChecked={values.sendInvitations === "on"}
            error={state.fieldErrors?.sendInvitations}
          />
        </div>
        <div className="sm:col-span-2">
          <Button type="submit" disabled={pending} className="sm:w-auto">
            {pending ? "Creating…" : "Create token"}
          </Button>
        </div>
      </form>
    </div>
  );
}

export function RevokeProvisioningTokenForm({ action, tokenId, name }: { action: AdminAction; tokenId: string; name: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  if (state.ok) return <span className="text-sm text-slate-500">Revoked</span>;
  const error = state.message ?? Object.values(state.fieldErrors ?? {})[0];
  return (
    <details className="inline-block text-left">
      <summary className={`${smallButton} cursor-pointer list-none text-red-700 dark:text-red-300`}>Revoke</summary>
      <form action={formAction} className="mt-2 space-y-2 rounded-lg border border-red-300 bg-red-50 p-3 text-sm dark:border-red-900 dark:bg-red-950" aria-label={`Revoke token ${name}`}>
        <p>
          Revoke <strong>{name}</strong>? Provisioning with it stops at once.
        </p>
        <input type="hidden" name="id" value={tokenId} />
        {error ? <Alert tone="error">{error}</Alert> : null}
        <button type="submit" disabled={pending} className="rounded-md bg-red-600 px-3 py-1.5 text-xs font-semibold text-white hover:bg-red-500 disabled:bg-red-400">
          {pending ? "Revoking…" : "Yes, revoke"}
        </button>
      </form>
    </details>
  );
}
