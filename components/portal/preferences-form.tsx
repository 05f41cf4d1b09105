"use client";
// The communication preferences form: a row per topic, a checkbox per channel it uses, saved
// together. Each rendered pair posts a hidden "shown" field, so an unticked box (which the browser
// does not send) is saved as opted out, and a topic added since the page loaded is left alone.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { surface } from "@/components/ui/styles";
import type { FormState } from "@/lib/http/form-action";
import { CHANNEL_LABELS, type Channel } from "@/lib/preferences/preferences.schema";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export interface TopicRowView {
  key: string;
  label: string;
  description: string;
  channels: { channel: Channel; optedIn: boolean }[];
}

export function PreferencesForm({ action, topics }: { action: Action; topics: TopicRowView[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  const echoed = state.values?.on !== undefined ? new Set(state.values.on.split(" ")) : null;
  const isOn = (pair: string, stored: boolean) => (echoed ? echoed.has(pair) : stored);
  return (
    <form action={formAction} className="max-w-2xl space-y-4" key={state.ok ? `saved-${state.message}` : "editing"}>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      {state.fieldErrors ? <Alert tone="error">{Object.values(state.fieldErrors)[0]}</Alert> : null}
      <ul className="space-y-3">
        {topics.map((t) => (
          <li key={t.key} className={`${surface} p-5`}>
            <fieldset data-testid={`topic-${t.key}`}>
              <legend className="font-semibold">{t.label}</legend>
              {t.description ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t.description}</p> : null}
              <div className="mt-3 flex flex-wrap gap-x-6 gap-y-2">
                {t.channels.map(({ channel, optedIn }) => {
                  const pair = `${t.key}:${channel}`;
                  return (
                    <label key={pair} className="flex items-center gap-2 text-sm">
                      <input type="hidden" name="shown" value={pair} />
                      <input type="checkbox" name="on" value={pair} defaultChecked={isOn(pair, optedIn)} className="h-4 w-4 rounded border-slate-300 accent-indigo-600" />
                      <span>{CHANNEL_LABELS[channel]}</span>
                    </label>
                  );
                })}
              </div>
            </fieldset>
          </li>
        ))}
      </ul>
      <button type="submit" disabled={pending} className="rounded-lg bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:bg-indigo-400">
        Save preferences
      </button>
    </form>
  );
}
