"use client";
// Which of Portico's own admin API scopes this application may obtain by client_credentials. Only
// an administrator who holds the permission a scope opens can tick or untick it (the domain checks).
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { ADMIN_API_SCOPES } from "@/lib/applications/applications.schema";
import type { AdminAction, AdminFormState } from "./types";

const DESCRIPTIONS: Record<keyof typeof ADMIN_API_SCOPES, string> = {
  "portico:analytics": "Read the analytics figures (GET /api/admin/v1/analytics), as the analytics:read permission does in the console.",
  "portico:webhooks": "Manage webhook subscriptions and replay their deliveries (/api/admin/v1/webhooks), as the webhooks:write permission does in the console.",
};

export function AdminScopesForm({ action, applicationId, current }: { action: AdminAction; applicationId: string; current: string[] }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  return (
    <form action={formAction} className="space-y-3">
      {state.message || state.fieldErrors?.adminScopes ? <Alert tone={state.ok ? "success" : "error"}>{state.message ?? state.fieldErrors?.adminScopes}</Alert> : null}
      <input type="hidden" name="id" value={applicationId} />
      <fieldset className="space-y-2">
        <legend className="text-sm text-slate-600 dark:text-slate-400">The application gets these scopes with a client_credentials token; unticking one stops its live tokens at once.</legend>
        {(Object.keys(ADMIN_API_SCOPES) as (keyof typeof ADMIN_API_SCOPES)[]).map((scope) => (
          <label key={scope} className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="adminScopes" value={scope} defaultChecked={current.includes(scope)} className="mt-1" />
            <span>
              <code>{scope}</code> — {DESCRIPTIONS[scope]}
            </span>
          </label>
        ))}
      </fieldset>
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Save admin API access"}
      </Button>
    </form>
  );
}
