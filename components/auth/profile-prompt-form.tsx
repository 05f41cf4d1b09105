"use client";
// The questions an application's profiling policy asks during sign-in (lib/oidc/profiling.ts): only
// the missing attributes, each rendered from its definition, errors beside their fields, and the
// consent purposes it offers, unticked. Works
// without JavaScript (a plain POST answered with a 303); with it, the page navigates itself.
import { useActionState } from "react";
import { NavigatingForm } from "./navigating-form";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { AttributeInput } from "@/components/profile/attribute-input";
import { PurposeConsentCheckbox, type OfferedPurpose } from "./purpose-consent-checkbox";
import type { FormState } from "@/lib/http/form-action";
import { attributeField } from "@/lib/profile/attribute-fields.schema";
import type { AttributeDefinition } from "@/lib/profile/attributes.schema";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export interface PromptQuestion {
  definition: AttributeDefinition;
  blocking: boolean;
}

function Question({ question, value, error }: { question: PromptQuestion; value: string; error?: string }) {
  const d = question.definition;
  return <AttributeInput definition={d} label={question.blocking ? d.label : `${d.label} (optional)`} value={value} error={error} emptyLabel="Choose…" />;
}

export function ProfilePromptForm({ action, interaction, questions, purposes, skippable }: { action: Action; interaction: string; questions: PromptQuestion[]; purposes: OfferedPurpose[]; skippable: boolean }) {
  const [state, formAction, pending] = useActionState(action, {});
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <NavigatingForm state={state} action={formAction}>
      {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="interaction" value={interaction} />
      {questions.map((q) => (
        <Question key={q.definition.name} question={q} value={v[attributeField(q.definition.name)] ?? ""} error={e[attributeField(q.definition.name)]} />
      ))}
      {purposes.map((p) => (
        <PurposeConsentCheckbox key={p.key} purpose={p} checked={v[`consent.${p.key}`] === String(p.version)} />
      ))}
      {/* Continue comes first in the document: Enter in a field submits the form's first button (HTML
          implicit submission), which must save the answers, not skip them. "Not now" is shown first. */}
      <div className={skippable ? "grid grid-cols-2 gap-3" : undefined}>
        <Button type="submit" name="decision" value="save" disabled={pending}>
          {pending ? "Saving…" : "Continue"}
        </Button>
        {skippable ? (
          <Button type="submit" name="decision" value="skip" variant="secondary" disabled={pending} className="order-first">
            Not now
          </Button>
        ) : null}
      </div>
    </NavigatingForm>
  );
}
