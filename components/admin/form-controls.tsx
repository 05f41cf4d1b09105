// Labelled controls beside components/ui/field.tsx (which is an <input>): textarea, select and
// checkbox groups, with hints and errors tied to the control (aria-describedby, aria-invalid).
import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

const control =
  "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm outline-none transition focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100";

function describedBy(id: string, hint?: ReactNode, error?: string) {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

function HintAndError({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  return (
    <>
      {hint ? (
        <div id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </div>
      ) : null}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </>
  );
}

type Labelled = { name: string; label: string; hint?: ReactNode; error?: string };

export function TextAreaField({ name, label, hint, error, id, className = "", ...rest }: Labelled & TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  const fieldId = id ?? `field-${name}`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={fieldId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      <textarea
        id={fieldId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldId, hint, error)}
        className={`${control} font-mono text-sm ${className}`}
        {...rest}
      />
      <HintAndError id={fieldId} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({
  name,
  label,
  hint,
  error,
  id,
  options,
  ...rest
}: Labelled & SelectHTMLAttributes<HTMLSelectElement> & { options: readonly { value: string; label: string }[]; ref?: Ref<HTMLSelectElement> }) {
  const fieldId = id ?? `field-${name}`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={fieldId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      <select id={fieldId} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fieldId, hint, error)} className={control} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <HintAndError id={fieldId} hint={hint} error={error} />
    </div>
  );
}

/** Several checkboxes with one name: a fieldset whose legend is the label. */
export function CheckboxGroup({
  name,
  label,
  hint,
  error,
  options,
  checked,
}: Labelled & { options: readonly { value: string; label: ReactNode }[]; checked: readonly string[] }) {
  const groupId = `field-${name}`;
  return (
    <fieldset className="space-y-1.5" aria-describedby={describedBy(groupId, hint, error)} aria-invalid={error ? true : undefined}>
      <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">{label}</legend>
      <div className="space-y-1">
        {options.map((o) => (
          <label key={o.value} className="flex items-start gap-2 text-sm">
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked.includes(o.value)} className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600" />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      <HintAndError id={groupId} hint={hint} error={error} />
    </fieldset>
  );
}

export function CheckboxField({ id, name, label, hint, error, ...input }: Labelled & Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { ref?: Ref<HTMLInputElement> }) {
  // A page with several forms of one kind gives each its own id: a label finds the first element with its id.
  const fieldId = id ?? `field-${name}`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={fieldId} className="flex items-start gap-2 text-sm font-medium text-slate-800 dark:text-slate-200">
        <input
          id={fieldId}
          type="checkbox"
          name={name}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(fieldId, hint, error)}
          className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600"
          {...input}
        />
        <span>{label}</span>
      </label>
      <HintAndError id={fieldId} hint={hint} error={error} />
    </div>
  );
}
