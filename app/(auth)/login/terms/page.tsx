import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { Alert } from "@/components/ui/alert";
import { DOCUMENT_NAMES, DOCUMENT_PATHS, isDocumentKind } from "@/lib/legal";
import { termsToAccept } from "@/lib/http";
import { acceptTermsAction, declineTermsAction } from "./actions";

export const metadata: Metadata = { title: "Updated terms" };
export const dynamic = "force-dynamic";

/** After the factors, before the session: the versions this customer has still to accept (lib/sign-in/terms-acceptance.ts). */
export default async function AcceptTermsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const documents = await termsToAccept();
  if (!documents) redirect("/login?expired=1");
  if (documents.length === 0) {
    // Accepted meanwhile (another tab): nothing to ask; the sign-in is finished by accepting nothing.
    return (
      <AuthCard title="Updated terms">
        <form action={acceptTermsAction}>
          <input type="hidden" name="accept" value="on" />
          <button type="submit" className="w-full rounded-lg bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-indigo-500">
            Continue
          </button>
        </form>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Updated terms" subtitle="Before you continue, please read and accept what changed.">
      {params.changed ? <Alert tone="info">The terms changed again while the page was open. Please read the current version.</Alert> : null}
      {params.unticked ? <Alert tone="error">Tick the box to accept, or decline.</Alert> : null}
      <ul className="space-y-1 text-sm">
        {documents.map((d) => (
          <li key={d.id}>
            <Link href={`${isDocumentKind(d.kind) ? DOCUMENT_PATHS[d.kind] : "/terms"}?version=${d.version}`} target="_blank" rel="noopener" className="font-medium text-indigo-600 underline dark:text-indigo-400">
              {isDocumentKind(d.kind) ? DOCUMENT_NAMES[d.kind] : d.title}, version {d.version}
            </Link>{" "}
            <span className="text-slate-500">({d.title})</span>
          </li>
        ))}
      </ul>
      <form action={acceptTermsAction} className="space-y-4">
        {documents.map((d) => (
          <input key={d.id} type="hidden" name="document" value={d.id} />
        ))}
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="accept" required className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600" />
          <span>I have read and accept {documents.length > 1 ? "these documents" : "this document"}.</span>
        </label>
        <button type="submit" className="w-full rounded-lg bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-indigo-500">
          Accept and continue
        </button>
      </form>
      <form action={declineTermsAction}>
        <button type="submit" className="w-full rounded-lg px-4 py-2.5 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
          Decline and sign out
        </button>
      </form>
    </AuthCard>
  );
}
