"use client";
// Initial access tokens for dynamic client registration (RFC 7591 §3): create one (shown once), revoke.
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { CheckboxField, SelectField } from "./form-controls";
import { SecretBox } from "./secret-box";
import type { AdminAction, AdminFormState } from "./types";
import { initialAccessTokenTtlOptions } from "@/lib/applications/applications.schema";

const TTL_OPTIONS = Object.entries(initialAccessTokenTtlOptions).map(([value, label]) => ({ value, label }));

export function CreateInitialAccessTokenForm({ action, registrationEndpoint }: { action: AdminAction; registrationEndpoint: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  return (
    <div className="space-y-4">
      {state.ok && state.secret ? (
        <SecretBox title="Initial access token created" label="Initial access token" secret={state.secret} id="initial-access-token">
          <p className="text-sm">
            Send it as <code>Authorization: Bearer …</code> with a JSON <code>POST</code> to <code>{registrationEndpoint}</code>.
          </p>
        </SecretBox>
      ) : null}
      <form action={formAction} noValidate className="grid max-w-2xl gap-4 sm:grid-cols-[1fr_auto_auto] sm:items-start">
        {state.message && !state.ok ? (
          <div className="sm:col-span-3">
            <Alert tone="error">{state.message}</Alert>
          </div>
        ) : null}
        <Field name="label" label="Label" required maxLength={100} defaultValue={state.ok ? "" : state.values?.label} error={state.fieldErrors?.label} hint="Who or what the token is for." />
        <SelectField name="ttl" label="Valid for" defaultValue={state.ok ? "604800" : (state.values?.ttl ?? "604800")} error={state.fieldErrors?.ttl} options={TTL_OPTIONS} />
        <Button type="submit" disabled={pending} className="sm:mt-7 sm:w-auto">
          {pending ? "Creating…" : "Create token"}
        </Button>
        <div className="sm:col-span-3">
          <CheckboxField
            name="multiUse"
            label="Multi-use"
            hint="Off: the token registers one application and is then spent. On: it registers any number until it expires or is revoked."
            defaultChecked={!state.ok && state.values?.multiUse === "on"}
            error={state.fieldErrors?.multiUse}
          />
        </div>
      </form>
    </div>
  );
}

export function RevokeInitialAccessTokenForm({ action, tokenId, label }: { action: AdminAction; tokenId: string; label: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  if (state.ok) return <span className="text-sm text-slate-500">Revoked</span>;
  return (
    <form action={formAction} className="inline">
      <input type="hidden" name="id" value={tokenId} />
      <button type="submit" disabled={pending} aria-label={`Revoke token ${label}`} className="text-sm font-medium text-red-700 hover:underline disabled:opacity-50 dark:text-red-300">
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {state.message ? (
        <span role="alert" className="ml-2 text-sm text-red-600">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
