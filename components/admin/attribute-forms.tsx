"use client";
// The attributes console's forms: define or change a custom attribute (its rules by type), delete
// one (its values go with it), an application's claim mapping and its progressive profiling policy. Errors beside their fields.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { ATTRIBUTE_READ_SCOPES, ATTRIBUTE_TYPES, PATTERN_MAX_LENGTH } from "@/lib/profile/attribute-fields.schema";
import { CheckboxField, SelectField, TextAreaField } from "./form-controls";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

const TYPE_LABELS: Record<(typeof ATTRIBUTE_TYPES)[number], string> = {
  string: "Text",
  number: "Number",
  boolean: "Yes or no",
  date: "Date",
  enum: "One of a list",
  email: "Email address",
  phone: "Phone number",
  url: "Web address",
};

const ACCESS_OPTIONS = [
  { value: "none", label: "Administrators only" },
  { value: "read", label: "The customer sees it in the portal" },
  { value: "write", label: "The customer sees and edits it in the portal" },
];

function Outcome({ state }: { state: FormState }) {
  if (state.message) return <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert>;
  return null;
}

/** Create (no `id`) or change one definition. `initial` holds the form's values as strings. */
export function AttributeForm({ action, id, initial = {} }: { action: Action; id?: string; initial?: Record<string, string> }) {
  const [state, formAction, pending] = useActionState(action, {});
  const v = state.values ?? initial;
  const e = state.fieldErrors ?? {};
  const prefix = id ? `attr-${id}-` : "new-attr-";
  const f = (name: string, label: string, props: Record<string, unknown> = {}) => (
    <Field id={`${prefix}${name}`} name={name} label={label} defaultValue={v[name] ?? ""} error={e[name]} {...props} />
  );
  return (
    <form action={formAction} noValidate className="space-y-4" aria-label={id ? `Change ${initial.name}` : "Define an attribute"} key={state.ok && !id ? "saved" : "editing"}>
      <Outcome state={state} />
      {id ? <input type="hidden" name="id" value={id} /> : null}
      {id ? <input type="hidden" name="name" value={initial.name} /> : f("name", "Identifier", { placeholder: "loyalty_tier", maxLength: 64, hint: "Lowercase letters, digits and underscores. Fixed once created: values are stored under it." })}
      {f("label", "Label", { maxLength: 100, hint: "What the customer reads beside the field." })}
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField id={`${prefix}type`} name="type" label="Type" defaultValue={v.type ?? "string"} error={e.type} options={ATTRIBUTE_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))} />
        <SelectField id={`${prefix}customerAccess`} name="customerAccess" label="In the portal" defaultValue={v.customerAccess ?? "none"} error={e.customerAccess} options={ACCESS_OPTIONS} />
        <SelectField
          id={`${prefix}appReadScope`}
          name="appReadScope"
          label="Applications read it with the scope"
          defaultValue={v.appReadScope ?? ""}
          error={e.appReadScope}
          options={[{ value: "", label: "Never (not released in tokens)" }, ...ATTRIBUTE_READ_SCOPES.map((s) => ({ value: s, label: s }))]}
          hint="Released only to applications that map it to a claim, when the token's scopes include this one."
        />
      </div>
      <CheckboxField id={`${prefix}required`} name="required" label="Required" defaultChecked={v.required === "on"} error={e.required} hint="The customer must fill it in to save their profile." />
      <fieldset className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700">
        <legend className="px-1 text-sm font-medium">Rules (only those of the chosen type apply)</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          {f("minLength", "Text: min length", { inputMode: "numeric" })}
          {f("maxLength", "Text: max length", { inputMode: "numeric" })}
          {f("pattern", "Text: pattern", { maxLength: PATTERN_MAX_LENGTH, placeholder: "[A-Z]{2}[0-9]{4}", hint: "A regular expression (RE2 syntax: no lookahead or back-references) the whole value must match." })}
          {f("min", "Number: minimum", { inputMode: "decimal" })}
          {f("max", "Number: maximum", { inputMode: "decimal" })}
          {f("minDate", "Date: earliest", { placeholder: "2000-01-01" })}
          {f("maxDate", "Date: latest", { placeholder: "2030-12-31" })}
        </div>
        <CheckboxField id={`${prefix}integer`} name="integer" label="Number: whole numbers only" defaultChecked={v.integer === "on"} error={e.integer} />
        <TextAreaField id={`${prefix}values`} name="values" label="List: the allowed values" rows={3} defaultValue={v.values ?? ""} error={e.values} hint="One per line." />
      </fieldset>
      {e.rules ? <Alert tone="error">{e.rules}</Alert> : null}
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : id ? "Save attribute" : "Define attribute"}
      </Button>
    </form>
  );
}

export function DeleteAttributeForm({ action, id, name }: { action: Action; id: string; name: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-3" aria-label={`Delete ${name}`}>
      <Outcome state={state} />
      <input type="hidden" name="id" value={id} />
      <CheckboxField id={`delete-${id}-confirm`} name="confirm" label={`Delete ${name} and remove every account's value of it`} error={state.fieldErrors?.confirm} />
      <Button type="submit" variant="secondary" disabled={pending} className="text-red-700 sm:w-auto dark:text-red-300">
        {pending ? "Deleting…" : "Delete attribute"}
      </Button>
    </form>
  );
}

/** An application's claim mapping, one `attribute claim [targets]` a line. */
export function ClaimMappingForm({ action, applicationId, initial }: { action: Action; applicationId: string; initial: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} noValidate className="space-y-3" aria-label="Claim mapping">
      <Outcome state={state} />
      <input type="hidden" name="id" value={applicationId} />
      <TextAreaField
        id="claim-mappings"
        name="claimMappings"
        label="Custom attributes as claims"
        rows={4}
        defaultValue={state.values?.claimMappings ?? initial}
        error={state.fieldErrors?.claimMappings}
        placeholder={"loyalty_tier https://example.com/tier\nmember_since member_since id_token userinfo access_token"}
        hint="One a line: the attribute, the claim name, then where (id_token, userinfo, access_token; by default the first two). Released only when the token's scopes include the attribute's read scope."
      />
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Save claim mapping"}
      </Button>
    </form>
  );
}

/** An application's progressive profiling policy, one question a line (lib/profile parseProfilingLines). */
export function ProfilingPolicyForm({ action, applicationId, initial, remindAfterDays }: { action: Action; applicationId: string; initial: string; remindAfterDays: number }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} noValidate className="space-y-3" aria-label="Profiling policy">
      <Outcome state={state} />
      <input type="hidden" name="id" value={applicationId} />
      <TextAreaField
        id="profiling-policy"
        name="profilingPolicy"
        label="Questions asked during sign-in"
        rows={5}
        defaultValue={state.values?.profilingPolicy ?? initial}
        error={state.fieldErrors?.profilingPolicy}
        placeholder={"loyalty_tier required\nnewsletter optional from 3\nshoe_size optional at registration\ncompany required with scope address\nfavourite_category optional for purpose offers\npurpose offers"}
        hint="One a line: the attribute, then required (the customer must answer to continue) or optional (they may choose Not now), then when to ask: nothing (always), from N (from their Nth sign-in to this application), at registration (their first sign-in to it), with scope S (when the sign-in requests scope S), or for purpose P (once they consent to purpose P). Asked only while missing. A line purpose P offers consent to purpose P (never required). Empty: ask nothing."
      />
      <Field
        id="remind-after-days"
        name="remindAfterDays"
        label="Ask again after (days)"
        inputMode="numeric"
        defaultValue={state.values?.remindAfterDays ?? String(remindAfterDays)}
        error={state.fieldErrors?.remindAfterDays}
        hint="After Not now, an optional attribute is asked again once this many days have passed."
        maxLength={6}
      />
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Save profiling policy"}
      </Button>
    </form>
  );
}
