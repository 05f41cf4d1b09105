"use client";
// The console's new-customer form: an invitation (the default: the customer chooses their own
// password) or a password given by the administrator (a migration). Works without JavaScript: both
// choices' fields are always there; the server ignores the password for an invitation.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { CheckboxField } from "@/components/admin/form-controls";
import { AttributeInput } from "@/components/profile/attribute-input";
import { attributeField } from "@/lib/profile/attribute-fields.schema";
import type { AttributeDefinition } from "@/lib/profile/attributes.schema";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function NewUserForm({ action, attributes, segmentHint }: { action: Action; attributes: AttributeDefinition[]; segmentHint?: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  const method = v.method ?? "invitation";
  return (
    <form action={formAction} noValidate className="max-w-xl space-y-6">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <Field name="email" label="Email address" type="email" autoComplete="off" required defaultValue={v.email ?? ""} error={e.email} />
      <Field name="displayName" label="Full name (optional)" defaultValue={v.displayName ?? ""} error={e.displayName} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Password</legend>
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="method" value="invitation" defaultChecked={method === "invitation"} className="mt-1" />
          <span>Send an invitation: the customer chooses a password from a link valid for 72 hours, which also verifies the address.</span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="method" value="password" defaultChecked={method === "password"} className="mt-1" />
          <span>Set a password now (for a migration): it must meet the password policy.</span>
        </label>
        {e.method ? <p role="alert" className="text-sm text-red-600 dark:text-red-400">{e.method}</p> : null}
      </fieldset>
      <div className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
        <p className="text-sm text-slate-600 dark:text-slate-400">Only with “Set a password now”:</p>
        <Field name="password" label="Password" type="password" autoComplete="new-password" maxLength={512} error={e.password} />
        <CheckboxField name="emailVerified" label="The address is already verified (no confirmation mail)" defaultChecked={v.emailVerified === "on"} error={e.emailVerified} />
      </div>
      {attributes.length ? (
        <fieldset className="space-y-4">
          <legend className="text-lg font-semibold">Custom attributes</legend>
          {segmentHint ? <p className="text-sm text-slate-600 dark:text-slate-400">{segmentHint}</p> : null}
          {attributes.map((d) => (
            <AttributeInput key={d.name} definition={d} label={d.required ? d.label : `${d.label} (optional)`} value={v[attributeField(d.name)] ?? ""} error={e[attributeField(d.name)]} emptyLabel="—" />
          ))}
        </fieldset>
      ) : null}
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Creating…" : "Create user"}
      </Button>
    </form>
  );
}
