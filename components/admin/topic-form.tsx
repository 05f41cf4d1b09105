"use client";
// One communication topic: created with its stable key, then edited (the key stays, applications
// name the topic by it). Defaults are off unless the administrator ticks them, and marketing
// topics refuse them (the domain checks).
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";
import { CHANNEL_LABELS, CHANNELS, TOPIC_DESCRIPTION_MAX_LENGTH, TOPIC_LABEL_MAX_LENGTH } from "@/lib/preferences/preferences.schema";
import { CheckboxGroup, TextAreaField } from "./form-controls";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export interface TopicValues {
  id: string;
  key: string;
  label: string;
  description: string;
  marketing: boolean;
  channels: string[];
  defaultOn: string[];
}

const OPTIONS = CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }));

export function TopicForm({ action, topic }: { action: Action; topic?: TopicValues }) {
  const [state, formAction, pending] = useActionState(action, {});
  const v = state.values;
  const e = state.fieldErrors ?? {};
  const id = topic?.id ?? "";
  const prefix = topic ? `topic-${topic.key}` : "new-topic";
  const values = {
    key: v?.key ?? topic?.key ?? "",
    label: v?.label ?? topic?.label ?? "",
    description: v?.description ?? topic?.description ?? "",
    marketing: v ? v.marketing === "on" : (topic?.marketing ?? true),
    channels: v ? v.channels!.split(" ").filter(Boolean) : (topic?.channels ?? ["email"]),
    defaultOn: v ? v.defaultOn!.split(" ").filter(Boolean) : (topic?.defaultOn ?? []),
  };
  return (
    <form action={formAction} className="space-y-4" aria-label={topic ? `Edit ${topic.label}` : "New topic"} key={state.ok ? `saved-${state.message}` : "editing"}>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <input type="hidden" name="id" value={id} />
      {topic ? (
        <>
          <input type="hidden" name="key" value={topic.key} />
          <p className="text-sm">
            Key: <code>{topic.key}</code>
          </p>
        </>
      ) : (
        <Field id={`${prefix}-key`} name="key" label="Key" defaultValue={values.key} error={e.key} maxLength={64} placeholder="newsletter" hint="How applications name the topic; it cannot change later." />
      )}
      <Field id={`${prefix}-label`} name="label" label="Name" defaultValue={values.label} error={e.label} maxLength={TOPIC_LABEL_MAX_LENGTH} placeholder="Newsletter" />
      <TextAreaField id={`${prefix}-description`} name="description" label="Description" defaultValue={values.description} error={e.description} maxLength={TOPIC_DESCRIPTION_MAX_LENGTH} rows={2} />
      <div id={prefix} className="space-y-4">
        {/* Not CheckboxField: its fixed id would repeat in every topic's form on the page. */}
        <label className="flex items-start gap-2 text-sm font-medium">
          <input type="checkbox" name="marketing" defaultChecked={values.marketing} className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600" />
          <span>Marketing (customers opt in themselves; never on by default)</span>
        </label>
        <CheckboxGroup name="channels" label="Channels it may use" options={OPTIONS} checked={values.channels} error={e.channels} />
        <CheckboxGroup name="defaultOn" label="On by default for customers who never chose" hint="Leave empty unless the topic is a service message customers expect." options={OPTIONS} checked={values.defaultOn} error={e.defaultOn} />
      </div>
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : topic ? "Save" : "Create topic"}
      </Button>
    </form>
  );
}
