import type { Metadata } from "next";
import { PublishVersionForm, PurposeForm } from "@/components/admin/purpose-forms";
import { requireAdmin } from "@/lib/http";
import { LEGAL_BASIS_LABELS, listPurposesForAdmin, type PurposeView } from "@/lib/consents";
import { surface } from "@/components/ui/styles";
import { createPurposeAction, publishVersionAction, updatePurposeAction } from "./actions";

export const metadata: Metadata = { title: "Purposes" };
export const dynamic = "force-dynamic";

/** A purpose as its edit form's fields (strings, the checkbox "on" when set). */
function formValuesOf(p: PurposeView): Record<string, string> {
  return { name: p.name, legalBasis: p.legalBasis, dataCategories: p.dataCategories.join(", "), retention: p.retention, thirdParty: p.thirdParty ?? "", offerAtRegistration: p.offerAtRegistration ? "on" : "" };
}

export default async function PurposesPage() {
  const session = await requireAdmin("/admin/purposes", { permission: "consents:read" });
  const purposes = await listPurposesForAdmin({ id: session.user.id, roles: session.user.roles });
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Purposes</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        What personal data is processed for, and on which legal basis. Customers give and withdraw consent to the purposes based on consent at /account/privacy; applications do it through the consent API. A new version of a text keeps the old ones: every consent names the version it was given to.
      </p>

      <ul className="mt-6 space-y-4" data-testid="purposes">
        {purposes.map((p) => (
          <li key={p.key} className={`${surface} p-6 space-y-3`}>
            <div>
              <h2 className="text-lg font-semibold">
                {p.name} <code className="text-sm font-normal text-slate-500">{p.key}</code>
              </h2>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {LEGAL_BASIS_LABELS[p.legalBasis]} · Data: {p.dataCategories.join(", ")} · Kept: {p.retention}
                {p.thirdParty ? ` · Shared with ${p.thirdParty}` : ""}
                {p.offerAtRegistration ? " · Offered at registration" : ""}
              </p>
            </div>
            <ol className="space-y-1 text-sm" aria-label={`Versions of ${p.key}`}>
              {p.versions.map((v) => (
                <li key={v.version}>
                  <strong>v{v.version}</strong> <span className="text-slate-500">({v.publishedAt.toISOString().slice(0, 10)})</span>: {v.text}
                </li>
              ))}
            </ol>
            <PublishVersionForm action={publishVersionAction} purposeKey={p.key} currentText={p.current.text} />
            <details>
              <summary className="cursor-pointer text-sm font-medium">Edit {p.name}</summary>
              <div className="mt-4">
                <PurposeForm action={updatePurposeAction} purposeKey={p.key} initial={formValuesOf(p)} />
              </div>
            </details>
          </li>
        ))}
        {purposes.length === 0 ? <li className="text-slate-500">No purposes yet.</li> : null}
      </ul>

      <section aria-labelledby="new-purpose" className={`${surface} mt-6 p-6`}>
        <h2 id="new-purpose" className="mb-4 text-lg font-semibold">New purpose</h2>
        <PurposeForm action={createPurposeAction} />
      </section>
    </>
  );
}
