"use client";
// The attributes console's forms: define or change a custom attribute (its rules by type), delete
// one (its values go with it), an application's claim mapping and its progressive profiling policy.
// The definition and the mapping are react-hook-form over the server's own checks; errors beside their fields.
import { useActionState, useSyncExternalStore } from "react";
import { useFieldArray } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { ATTRIBUTE_READ_SCOPES, ATTRIBUTE_TYPES, PATTERN_MAX_LENGTH } from "@/lib/profile/attribute-fields.schema";
import {
  attributeFormSchema,
  claimMappingFormSchema,
  claimMappingRowsFromEcho,
  MAX_CLAIM_MAPPINGS,
  type AttributeFormValues,
  type ClaimMappingRow,
} from "@/lib/profile/attributes.schema";
import { CheckboxField, SelectField, TextAreaField } from "./form-controls";
import { useConsoleForm } from "./use-console-form";

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

const noSubscription = () => () => {};

const NEW_ATTRIBUTE: AttributeFormValues = {
  name: "",
  label: "",
  type: "string",
  required: false,
  customerAccess: "none",
  appReadScope: "",
  minLength: "",
  maxLength: "",
  pattern: "",
  min: "",
  max: "",
  integer: false,
  minDate: "",
  maxDate: "",
  values: "",
};

/** A refused form's echo (strings; the boxes "on") as the form's values. */
function attributeValuesFromEcho(echo: Record<string, string>): AttributeFormValues {
  const text = Object.fromEntries(Object.keys(NEW_ATTRIBUTE).map((k) => [k, echo[k] ?? ""])) as Record<keyof AttributeFormValues, string>;
  return { ...text, required: echo.required === "on", integer: echo.integer === "on" };
}

/**
 * Create (no `id`) or change one definition: react-hook-form over attributeFormSchema, the check the
 * server applies; only the chosen type's rules are shown. `initial` is the stored definition as the form's values.
 */
export function AttributeForm({ action, id, initial = NEW_ATTRIBUTE }: { action: Action; id?: string; initial?: AttributeFormValues }) {
  const { form, state, formAction, pending, onSubmit, errorOf, defaultValues } = useConsoleForm(attributeFormSchema, action, initial, {
    fromEcho: attributeValuesFromEcho,
    afterSave: id ? "keep" : "clear",
  });
  const type = form.watch("type");
  // Rules of other types are hidden only once scripted: without JavaScript the type can change with no re-render, so all are shown.
  const scripted = useSyncExternalStore(noSubscription, () => true, () => false);
  const otherType = (t: string) => scripted && type !== t;
  const prefix = id ? `attr-${id}-` : "new-attr-";
  const d = defaultValues as AttributeFormValues;
  const text = (name: keyof AttributeFormValues & string, label: string, props: Record<string, unknown> = {}) => (
    <Field id={`${prefix}${name}`} label={label} defaultValue={String(d[name] ?? "")} error={errorOf(name)} {...props} {...form.register(name)} />
  );
  return (
    <form action={formAction} onSubmit={onSubmit} noValidate className="space-y-4" aria-label={id ? `Change ${initial.name}` : "Define an attribute"}>
      <Outcome state={state} />
      {id ? <input type="hidden" name="id" value={id} /> : null}
      {id ? (
        <input type="hidden" defaultValue={d.name} {...form.register("name")} />
      ) : (
        text("name", "Identifier", { placeholder: "loyalty_tier", maxLength: 64, hint: "Lowercase letters, digits and underscores. Fixed once created: values are stored under it." })
      )}
      {text("label", "Label", { maxLength: 100, hint: "What the customer reads beside the field." })}
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          id={`${prefix}type`}
          label="Type"
          defaultValue={d.type}
          error={errorOf("type")}
          options={ATTRIBUTE_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
          {...form.register("type")}
        />
        <SelectField id={`${prefix}customerAccess`} label="In the portal" defaultValue={d.customerAccess} error={errorOf("customerAccess")} options={ACCESS_OPTIONS} {...form.register("customerAccess")} />
        <SelectField
          id={`${prefix}appReadScope`}
          label="Applications read it with the scope"
          defaultValue={d.appReadScope}
          error={errorOf("appReadScope")}
          options={[{ value: "", label: "Never (not released in tokens)" }, ...ATTRIBUTE_READ_SCOPES.map((s) => ({ value: s, label: s }))]}
          hint="Released only to applications that map it to a claim, when the token's scopes include this one."
          {...form.register("appReadScope")}
        />
      </div>
      <CheckboxField id={`${prefix}required`} label="Required" defaultChecked={d.required} error={errorOf("required")} hint="The customer must fill it in to save their profile." {...form.register("required")} />
      <fieldset className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700">
        <legend className="px-1 text-sm font-medium">Rules for the type</legend>
        {/* Every rule field stays in the form (hidden when another type is chosen): without JavaScript all are shown, and the server reads only the type's own. */}
        <div className="grid gap-4 sm:grid-cols-3" hidden={otherType("string")}>
          {text("minLength", "Text: min length", { inputMode: "numeric" })}
          {text("maxLength", "Text: max length", { inputMode: "numeric" })}
          {text("pattern", "Text: pattern", { maxLength: PATTERN_MAX_LENGTH, placeholder: "[A-Z]{2}[0-9]{4}", hint: "A regular expression (RE2 syntax: no lookahead or back-references) the whole value must match." })}
        </div>
        <div className="grid gap-4 sm:grid-cols-3" hidden={otherType("number")}>
          {text("min", "Number: minimum", { inputMode: "decimal" })}
          {text("max", "Number: maximum", { inputMode: "decimal" })}
          <CheckboxField id={`${prefix}integer`} label="Number: whole numbers only" defaultChecked={d.integer} error={errorOf("integer")} {...form.register("integer")} />
        </div>
        <div className="grid gap-4 sm:grid-cols-3" hidden={otherType("date")}>
          {text("minDate", "Date: earliest", { placeholder: "2000-01-01" })}
          {text("maxDate", "Date: latest", { placeholder: "2030-12-31" })}
        </div>
        <div hidden={otherType("enum")}>
          <TextAreaField id={`${prefix}values`} label="List: the allowed values" rows={3} defaultValue={d.values} error={errorOf("values")} hint="One per line." {...form.register("values")} />
        </div>
        {scripted && ["boolean", "email", "phone", "url"].includes(type) ? <p className="text-sm text-slate-500">This type has no rules to set.</p> : null}
      </fieldset>
      {errorOf("rules") ? <Alert tone="error">{errorOf("rules")}</Alert> : null}
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

const TARGET_OPTIONS = [
  { value: "id_token", label: "ID token" },
  { value: "userinfo", label: "UserInfo" },
  { value: "access_token", label: "Access token" },
] as const;

const blankMapping = (): ClaimMappingRow => ({ attribute: "", claim: "", targets: ["id_token", "userinfo"] });

/**
 * An application's claim mapping: one row per claim (the attribute, the claim name, the tokens it
 * goes in), a react-hook-form field array over the server's check (claimMappingFormSchema). Only
 * attributes with a read scope are offered; a row left empty is no mapping.
 */
export function ClaimMappingForm({ action, applicationId, initial, attributes }: { action: Action; applicationId: string; initial: readonly ClaimMappingRow[]; attributes: readonly { name: string; label: string }[] }) {
  // A trailing blank row, so a mapping can be added without JavaScript (a row left empty is no mapping).
  const { form, state, formAction, pending, onSubmit, errorOf } = useConsoleForm(
    claimMappingFormSchema,
    action,
    { mappings: [...initial.map((m) => ({ ...m, targets: [...m.targets] })), blankMapping()] },
    { fromEcho: (echo) => ({ mappings: claimMappingRowsFromEcho(echo) }), afterSave: "keep" },
  );
  const rows = useFieldArray({ control: form.control, name: "mappings" });
  // An attribute a saved mapping names that may no longer be read stays a choice, so the row posts and the server says why.
  const readable = new Set(attributes.map((a) => a.name));
  const stale = [...new Set(initial.map((m) => m.attribute).filter((name) => !readable.has(name)))];
  const options = [
    { value: "", label: "Choose an attribute" },
    ...attributes.map((a) => ({ value: a.name, label: `${a.label} (${a.name})` })),
    ...stale.map((name) => ({ value: name, label: `${name} (no longer readable by applications)` })),
  ];
  return (
    <form action={formAction} onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Claim mapping">
      <Outcome state={state} />
      <input type="hidden" name="id" value={applicationId} />
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Custom attributes as claims. Released only when the token&apos;s scopes include the attribute&apos;s read scope.{" "}
        {attributes.length === 0 ? "No attribute has a read scope yet: give one a read scope on the attributes page first." : null}
      </p>
      {rows.fields.map((field, i) => {
        const at = (k: string) => `mappings.${i}.${k}`;
        // The row's own values (they move with it when a row above is removed), not the i-th default.
        const row = field as unknown as ClaimMappingRow;
        return (
          <fieldset key={field.id} className="space-y-2 rounded-lg border border-slate-200 p-3 dark:border-slate-700" aria-label={`Mapping ${i + 1}`}>
            <div className="grid gap-3 sm:grid-cols-2">
              <SelectField id={`mapping-${i}-attribute`} label="Attribute" options={options} defaultValue={row.attribute} error={errorOf(at("attribute"))} {...form.register(`mappings.${i}.attribute`)} />
              <Field
                id={`mapping-${i}-claim`}
                label="Claim name"
                maxLength={220}
                placeholder="https://example.com/tier"
                defaultValue={row.claim}
                error={errorOf(at("claim"))}
                {...form.register(`mappings.${i}.claim`)}
              />
            </div>
            <div className="flex flex-wrap items-center gap-4 text-sm" role="group" aria-label={`Mapping ${i + 1}: released in`}>
              {TARGET_OPTIONS.map((t) => (
                <label key={t.value} className="flex items-center gap-2">
                  <input type="checkbox" value={t.value} defaultChecked={row.targets.includes(t.value)} className="h-4 w-4 accent-indigo-600" {...form.register(`mappings.${i}.targets`)} />
                  {t.label}
                </label>
              ))}
              <button type="button" onClick={() => rows.remove(i)} className="ml-auto rounded-md px-2 py-1 text-xs ring-1 ring-slate-300 dark:ring-slate-600">
                Remove<span className="sr-only"> mapping {i + 1}</span>
              </button>
            </div>
            {errorOf(at("targets")) ? (
              <p role="alert" className="text-sm text-red-600 dark:text-red-400">
                {errorOf(at("targets"))}
              </p>
            ) : null}
          </fieldset>
        );
      })}
      {errorOf("mappings") ? <Alert tone="error">{errorOf("mappings")}</Alert> : null}
      <div className="flex flex-wrap gap-3">
        {rows.fields.length < MAX_CLAIM_MAPPINGS ? (
          <button type="button" onClick={() => rows.append(blankMapping())} className="rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
            Add a mapping
          </button>
        ) : null}
        <Button type="submit" disabled={pending} className="sm:w-auto">
          {pending ? "Saving…" : "Save claim mapping"}
        </Button>
      </div>
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
