// One consent purpose offered on a hosted page: what is asked (the purpose's current text, the data
// it covers, how long it is kept, who it is shared with) and an unticked box (GDPR art. 4(11), 7:
// consent is an affirmative act, never pre-ticked). Posts `consent.<key>` = the version shown.
export interface OfferedPurpose {
  key: string;
  name: string;
  version: number;
  text: string;
  dataCategories: string[];
  retention: string;
  thirdParty: string | null;
  /** The customer agreed to an earlier text of it. */
  renewal?: boolean;
}

export function PurposeConsentCheckbox({ purpose, checked }: { purpose: OfferedPurpose; checked?: boolean }) {
  const id = `consent-${purpose.key}`;
  return (
    <fieldset className="space-y-1.5 rounded-md border border-slate-200 p-3 dark:border-slate-700">
      <legend className="px-1 text-sm font-medium text-slate-900 dark:text-slate-100">{purpose.name}</legend>
      {purpose.renewal ? <p className="text-xs text-slate-600 dark:text-slate-400">The text changed since you agreed; agree again to keep it.</p> : null}
      <p className="whitespace-pre-line text-sm text-slate-700 dark:text-slate-300">{purpose.text}</p>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Data: {purpose.dataCategories.join(", ")}. Kept: {purpose.retention}.{purpose.thirdParty ? ` Shared with ${purpose.thirdParty}.` : ""}
      </p>
      <div className="flex items-start gap-3">
        <input id={id} name={`consent.${purpose.key}`} value={String(purpose.version)} type="checkbox" defaultChecked={checked} className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500" />
        <label htmlFor={id} className="text-sm text-slate-700 dark:text-slate-300">
          I agree to {purpose.name}
        </label>
      </div>
    </fieldset>
  );
}
