"use client";
// Giving a person an administrative role, and taking one away. The assignment form checks itself
// with the server's schema (react-hook-form); the scope field follows the chosen role.
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useActionState } from "react";
import type { FormState } from "@/lib/http/form-action";
import { grantInputSchema, ROLE_OPTIONS } from "@/lib/users/roles.schema";
import { smallButton } from "@/components/ui/styles";
import { SelectField } from "./form-controls";
import { useConsoleForm } from "./use-console-form";
import { useNotifyingAction } from "./console-notices";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function GrantRoleForm({ action, applications, roles }: { action: Action; applications: { id: string; name: string }[]; roles: readonly string[] }) {
  const { form, state, formAction, pending, onSubmit, errorOf } = useConsoleForm(grantInputSchema, action, { user: "", role: "help_desk", scope: "" });
  const role = form.watch("role");
  const options = ROLE_OPTIONS.filter((o) => roles.includes(o.value));
  const hint = options.find((o) => o.value === role)?.hint;
  return (
    <form action={formAction} onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Give a role">
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <Field label="Email address" type="email" autoComplete="off" maxLength={254} error={errorOf("user")} {...form.register("user")} />
      <SelectField label="Role" options={options} hint={hint} error={errorOf("role")} {...form.register("role")} />
      {role === "app_admin" ? (
        <SelectField label="Application" options={[{ value: "", label: "Choose an application" }, ...applications.map((a) => ({ value: a.id, label: a.name }))]} error={errorOf("scope")} {...form.register("scope")} />
      ) : role === "user_admin" || role === "help_desk" ? (
        <Field label="Customer segment (optional)" placeholder="region=EU" hint="Limit this role to customers whose attribute has this value. Leave empty for every customer." maxLength={140} error={errorOf("scope")} {...form.register("scope")} />
      ) : (
        <input type="hidden" value="" {...form.register("scope")} />
      )}
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Giving…" : "Give role"}
      </Button>
    </form>
  );
}

/** Taking a role away: a confirmation step (a <details> disclosure, so it works without JavaScript). */
export function RevokeRoleForm({ action, userId, role, scope, label, email }: { action: Action; userId: string; role: string; scope: string | null; label: string; email: string }) {
  // The row goes once the role is removed: success is a toast.
  const [state, formAction, pending] = useActionState(useNotifyingAction(action), {});
  return (
    <details className="inline-block text-left">
      <summary className={`${smallButton} cursor-pointer list-none`}>Remove</summary>
      <form action={formAction} className="mt-2 space-y-2 rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-700" aria-label={`Remove ${label} from ${email}`}>
        <p>
          Remove <strong>{label}</strong> from {email}?
        </p>
        <input type="hidden" name="user" value={userId} />
        <input type="hidden" name="role" value={role} />
        <input type="hidden" name="scope" value={scope ?? ""} />
        {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
        {state.fieldErrors ? <Alert tone="error">{Object.values(state.fieldErrors)[0]}</Alert> : null}
        <button type="submit" disabled={pending} className="rounded-md bg-red-600 px-3 py-1.5 text-xs font-semibold text-white hover:bg-red-500">
          {pending ? "Removing…" : "Yes, remove"}
        </button>
      </form>
    </details>
  );
}
