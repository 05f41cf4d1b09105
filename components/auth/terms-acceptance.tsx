// The terms box of a registration (self-service, or through an identity provider): the versions the
// page linked to travel as hidden `document` fields (lib/legal records those), the box as `acceptTerms`.
import Link from "next/link";

export function TermsAcceptance({ documents, error }: { documents: readonly string[]; error?: string }) {
  return (
    <div className="space-y-1.5">
      {documents.map((id) => (
        <input key={id} type="hidden" name="document" value={id} />
      ))}
      <div className="flex items-start gap-3">
        <input
          id="field-acceptTerms"
          name="acceptTerms"
          type="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "field-acceptTerms-error" : undefined}
          className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
        />
        <label htmlFor="field-acceptTerms" className="text-sm text-slate-700 dark:text-slate-300">
          I accept the <Link href="/terms" className="font-medium text-indigo-600 underline dark:text-indigo-400">terms of service</Link> and the{" "}
          <Link href="/privacy" className="font-medium text-indigo-600 underline dark:text-indigo-400">privacy notice</Link>.
        </label>
      </div>
      {error ? (
        <p id="field-acceptTerms-error" role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
