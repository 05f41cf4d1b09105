"use client";
// The console's rich forms: react-hook-form over the same zod schema the server action applies
// (one schema, two places), posting to the server action through useActionState. With JavaScript
// the form checks itself before sending and warns before leaving with unsaved changes; without
// it, the same <form> posts to the action and the server's field errors come back beside the fields.
import { startTransition, useActionState, useEffect } from "react";
import { get, useForm, type DefaultValues, type FieldValues, type Resolver } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import type { z } from "zod";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

type Options<V> = {
  /** A refused form's echo (state.values) as the form's values, so a form posted without JavaScript keeps what was typed. */
  fromEcho?: (echo: Record<string, string>) => DefaultValues<V>;
  /** After a save: "clear" back to the defaults (a form that creates), or "keep" what was sent (a form that edits). */
  afterSave?: "clear" | "keep";
};

export function useConsoleForm<S extends z.ZodType<FieldValues, FieldValues>>(schema: S, action: Action, initial: DefaultValues<z.input<S>>, options: Options<z.input<S>> = {}) {
  const [state, formAction, pending] = useActionState(action, {});
  // Rendered on the server too: registered inputs take these as their defaultValue (react-hook-form sets values only once hydrated).
  const defaultValues = state.values && options.fromEcho ? options.fromEcho(state.values) : initial;
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: zodResolver(schema as never) as unknown as Resolver<z.input<S>, unknown, z.output<S>>,
    defaultValues,
    mode: "onTouched",
  });
  const dirty = form.formState.isDirty;
  const afterSave = options.afterSave ?? "clear";

  // A saved form starts clean again: empty for the next one, or from what was sent.
  useEffect(() => {
    if (state.ok) form.reset(afterSave === "keep" ? form.getValues() : undefined);
  }, [state, form, afterSave]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const onSubmit = form.handleSubmit((_values, event) => {
    const target = event?.target;
    if (!(target instanceof HTMLFormElement)) return;
    // The button that sent the form is part of it (a form with "Simulate" and "Publish").
    const submitter = (event?.nativeEvent as SubmitEvent | undefined)?.submitter ?? null;
    startTransition(() => formAction(new FormData(target, submitter)));
  });

  /** The field's message (a dotted path for a field array's row: `mappings.0.claim`): the browser's check first, else the server's. */
  const errorOf = (name: string): string | undefined => {
    const client = (get(form.formState.errors, name) as { message?: unknown } | undefined)?.message;
    return typeof client === "string" ? client : state.fieldErrors?.[name];
  };

  return { form, state, formAction, pending, onSubmit, errorOf, defaultValues };
}
