"use client";
// The application page's one-button actions: disable/enable, rotate the secret (shown once), and
// delete behind a confirmation step.
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { SecretBox } from "./secret-box";
import type { AdminAction, AdminFormState } from "./types";

export function StatusForm({ action, applicationId, disabled }: { action: AdminAction; applicationId: string; disabled: boolean }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  return (
    <form action={formAction} className="space-y-3">
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <input type="hidden" name="id" value={applicationId} />
      <input type="hidden" name="disabled" value={disabled ? "false" : "true"} />
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {disabled
          ? "This application is disabled: it cannot sign anyone in or get tokens."
          : "Disabling stops sign-ins and token requests for this application at once, without deleting it."}
      </p>
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : disabled ? "Enable application" : "Disable application"}
      </Button>
    </form>
  );
}

export function RotateSecretForm({ action, applicationId }: { action: AdminAction; applicationId: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  return (
    <form action={formAction} className="space-y-3">
      {state.secret ? (
        <SecretBox title="New client secret" label="New client secret" secret={state.secret} id="rotated-client-secret" />
      ) : state.message ? (
        <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert>
      ) : null}
      <input type="hidden" name="id" value={applicationId} />
      <p className="text-sm text-slate-600 dark:text-slate-400">The current secret stops working immediately: update the application right after.</p>
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Issuing…" : "Issue a new secret"}
      </Button>
    </form>
  );
}

export function DeleteApplicationForm({ action, applicationId, name }: { action: AdminAction; applicationId: string; name: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <div className="space-y-3">
        <p className="text-sm text-slate-600 dark:text-slate-400">Deleting removes the application; its client ID stops working and cannot be reused.</p>
        <Button type="button" variant="secondary" onClick={() => setConfirming(true)} className="text-red-700 sm:w-auto dark:text-red-300">
          Delete application…
        </Button>
      </div>
    );
  }
  return (
    <form action={formAction} className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 dark:border-red-900 dark:bg-red-950">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="id" value={applicationId} />
      <input type="hidden" name="confirm" value="delete" />
      <p className="text-sm font-medium text-red-900 dark:text-red-100">
        Delete <strong>{name}</strong> permanently? This cannot be undone.
      </p>
      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={pending}
          className="rounded-lg bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:bg-red-400"
        >
          {pending ? "Deleting…" : "Yes, delete it"}
        </button>
        <Button type="button" variant="secondary" onClick={() => setConfirming(false)} className="sm:w-auto" autoFocus>
          Cancel
        </Button>
      </div>
    </form>
  );
}
