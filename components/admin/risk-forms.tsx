"use client";
// The risk console's forms: IP list entries, compromised-password imports, the policy's
// thresholds, and the rule editor with its simulation.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import type { SimulationResult } from "@/lib/risk";
import { RULE_CONDITION_ROWS, ruleFormSchema } from "@/lib/risk/rule-form.schema";
import { useFieldArray } from "react-hook-form";
import { SelectField, TextAreaField } from "./form-controls";
import { useConsoleForm } from "./use-console-form";

type Action<S extends FormState = FormState> = (prev: S, form: FormData) => Promise<S>;

const ACTION_OPTIONS = [
  { value: "allow", label: "Allow" },
  { value: "mfa", label: "Ask for a second factor" },
  { value: "strong_mfa", label: "Ask for a passkey or authenticator app (else deny)" },
  { value: "reset_password", label: "Require a password reset" },
  { value: "lock", label: "Lock the account" },
  { value: "deny", label: "Deny" },
];

/** The first error of a form state, wherever it belongs (a nested rule field has no input of its own). */
function firstError(state: FormState): string | undefined {
  return state.message && !state.ok ? state.message : Object.values(state.fieldErrors ?? {})[0];
}

function Outcome({ state }: { state: FormState }) {
  const error = firstError(state);
  if (error) return <Alert tone="error">{error}</Alert>;
  return state.ok && state.message ? <Alert tone="success">{state.message}</Alert> : null;
}

export function IpEntriesForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" aria-label="Add to an IP list">
      <Outcome state={state} />
      <SelectField name="list" label="List" options={[{ value: "deny", label: "Deny list (refused, without saying why)" }, { value: "allow", label: "Allow list (trusted networks, lower risk)" }]} />
      <TextAreaField id="ip-entries" name="entries" label="Addresses and ranges" rows={4} placeholder={"203.0.113.7\n198.51.100.0/24\n2001:db8::/32"} hint="One per line, IPv4 or IPv6, single addresses or CIDR ranges; # starts a comment." />
      <div className="space-y-1.5">
        <label htmlFor="ip-file" className="block text-sm font-medium">Or import a file</label>
        <input id="ip-file" name="file" type="file" accept=".txt,.csv,text/plain" className="text-sm" />
      </div>
      <Field id="ip-note" name="note" label="Note" maxLength={200} placeholder="Tor exit nodes, 2026-12-01" />
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Adding…" : "Add"}
      </Button>
    </form>
  );
}

export function CompromisedImportForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" aria-label="Import compromised passwords">
      <Outcome state={state} />
      <TextAreaField id="compromised-entries" name="entries" label="Passwords or SHA-1 hashes" rows={3} hint="One per line: a password, or its SHA-1 in hex (Have I Been Pwned's HASH:count lines import as they are). Only hashes are stored." />
      <div className="space-y-1.5">
        <label htmlFor="compromised-file" className="block text-sm font-medium">Or import a file</label>
        <input id="compromised-file" name="file" type="file" accept=".txt,text/plain" className="text-sm" />
      </div>
      <Field name="source" label="Source" maxLength={100} placeholder="breach-2026-11" />
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Importing…" : "Import"}
      </Button>
    </form>
  );
}

export interface SettingsValues {
  mediumAt: number;
  highAt: number;
  actions: { low: string; medium: string; high: string };
  impossibleTravelKmh: number;
  stepUpAboveValue: number | null;
  highValueScopes: string[];
}

export function RiskSettingsForm({ action, settings }: { action: Action; settings: SettingsValues }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="grid gap-4 sm:grid-cols-2" aria-label="Risk policy">
      <div className="sm:col-span-2">
        <Outcome state={state} />
      </div>
      <Field name="mediumAt" label="Medium risk from score" type="number" min={1} max={200} defaultValue={settings.mediumAt} />
      <Field name="highAt" label="High risk from score" type="number" min={1} max={200} defaultValue={settings.highAt} />
      <SelectField name="lowAction" label="Low risk" options={ACTION_OPTIONS} defaultValue={settings.actions.low} />
      <SelectField name="mediumAction" label="Medium risk" options={ACTION_OPTIONS} defaultValue={settings.actions.medium} />
      <SelectField name="highAction" label="High risk" options={ACTION_OPTIONS} defaultValue={settings.actions.high} />
      <Field name="impossibleTravelKmh" label="Impossible travel above (km/h)" type="number" min={100} defaultValue={settings.impossibleTravelKmh} />
      <Field name="stepUpAboveValue" label="Second factor for transactions above" type="number" min={0} defaultValue={settings.stepUpAboveValue ?? ""} hint="Empty: never by value." />
      <Field name="highValueScopes" label="High-value scopes" defaultValue={settings.highValueScopes.join(" ")} hint="Space-separated. Refreshing tokens with one of them goes through the risk engine; a risky refresh is refused." />
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending} className="sm:w-auto">
          {pending ? "Saving…" : "Save the policy"}
        </Button>
      </div>
    </form>
  );
}

const OPS = [
  { value: "eq", label: "is" },
  { value: "neq", label: "is not" },
  { value: "gt", label: ">" },
  { value: "gte", label: "≥" },
  { value: "lt", label: "<" },
  { value: "lte", label: "≤" },
  { value: "in", label: "is one of" },
  { value: "not_in", label: "is none of" },
];

export function RuleForm({ action, features }: { action: Action<FormState & { simulation?: SimulationResult }>; features: readonly string[] }) {
  const { form, state, formAction, pending, onSubmit, errorOf } = useConsoleForm(ruleFormSchema, action, {
    name: "",
    clientId: "",
    match: "all",
    action: "mfa",
    enabled: true,
    conditions: [{ feature: "", op: "eq", value: "" }],
  });
  const conditions = useFieldArray({ control: form.control, name: "conditions" });
  const sim = (state as { simulation?: SimulationResult }).simulation;
  const rowError = (i: number) => {
    const e = form.formState.errors.conditions?.[i];
    return e?.feature?.message ?? e?.op?.message ?? e?.value?.message;
  };
  const control = "rounded-lg border border-slate-300 px-2 py-1.5 text-sm aria-[invalid=true]:border-red-500 dark:border-slate-600 dark:bg-slate-900";
  return (
    <form action={formAction} onSubmit={onSubmit} noValidate className="space-y-4" aria-label="New rule">
      <Outcome state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Rule name" maxLength={80} placeholder="Deny sign-ins from sanctioned countries" error={errorOf("name")} {...form.register("name")} />
        <Field label="Only for the application (client_id)" maxLength={200} hint="Empty: every application." error={errorOf("clientId")} {...form.register("clientId")} />
        <SelectField label="Combine conditions" options={[{ value: "all", label: "All must hold" }, { value: "any", label: "Any may hold" }]} {...form.register("match")} />
        <SelectField label="Then" options={ACTION_OPTIONS.filter((o) => o.value !== "allow")} error={errorOf("action")} {...form.register("action")} />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Conditions</legend>
        {conditions.fields.map((field, i) => (
          <div key={field.id} className="space-y-1">
            <div className="grid gap-2 sm:grid-cols-[1fr_1fr_2fr_auto]">
              <select aria-label={`Condition ${i + 1}: what`} aria-invalid={form.formState.errors.conditions?.[i]?.feature ? true : undefined} className={control} {...form.register(`conditions.${i}.feature`)}>
                <option value="">—</option>
                {features.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </select>
              <select aria-label={`Condition ${i + 1}: comparison`} className={control} {...form.register(`conditions.${i}.op`)}>
                {OPS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <input aria-label={`Condition ${i + 1}: value`} aria-invalid={form.formState.errors.conditions?.[i]?.value ? true : undefined} className={control} placeholder="JP, CN or 60 or true" {...form.register(`conditions.${i}.value`)} />
              <button type="button" onClick={() => conditions.remove(i)} disabled={conditions.fields.length === 1} className="rounded-md px-2 py-1 text-xs ring-1 ring-slate-300 disabled:opacity-40 dark:ring-slate-600">
                Remove<span className="sr-only"> condition {i + 1}</span>
              </button>
            </div>
            {rowError(i) ? (
              <p role="alert" className="text-sm text-red-600 dark:text-red-400">
                Condition {i + 1}: {rowError(i)}
              </p>
            ) : null}
          </div>
        ))}
        {form.formState.errors.conditions?.message ? <p role="alert" className="text-sm text-red-600 dark:text-red-400">{form.formState.errors.conditions.message}</p> : null}
        {conditions.fields.length < RULE_CONDITION_ROWS ? (
          <button type="button" onClick={() => conditions.append({ feature: "", op: "eq", value: "" })} className="rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
            Add a condition
          </button>
        ) : null}
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" className="h-4 w-4" {...form.register("enabled")} /> Enabled
      </label>
      <div className="flex flex-wrap gap-3">
        <button type="submit" name="intent" value="simulate" disabled={pending} className="rounded-lg px-4 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
          Simulate on the last 30 days
        </button>
        <button type="submit" name="intent" value="publish" disabled={pending} className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
          Publish
        </button>
      </div>
      {sim ? (
        <div className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700" data-testid="simulation">
          <p className="text-sm">
            Over the last {sim.days} days, {sim.total} sign-ins: this rule changes <strong data-testid="simulation-changed">{sim.changed}</strong> of them.
          </p>
          <table className="text-sm">
            <thead>
              <tr>
                <th className="pr-4 text-left font-medium">Decision</th>
                <th className="pr-4 text-right font-medium">Now</th>
                <th className="text-right font-medium">With the rule</th>
              </tr>
            </thead>
            <tbody>
              {(Object.keys(sim.current) as (keyof SimulationResult["current"])[]).map((k) => (
                <tr key={k}>
                  <td className="pr-4">{k}</td>
                  <td className="pr-4 text-right">{sim.current[k]}</td>
                  <td className="text-right">{sim.withRule[k]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {sim.examples.length ? (
            <ul className="list-disc pl-5 text-sm">
              {sim.examples.map((e, i) => (
                <li key={i}>
                  {new Date(e.at).toISOString().slice(0, 16).replace("T", " ")}: {e.current} → {e.withRule} ({e.explanation})
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
