import type { Metadata } from "next";
import Link from "next/link";
import { PublishDocumentForm } from "@/components/admin/publish-document-form";
import { requireAdmin } from "@/lib/http";
import { DOCUMENT_KINDS, DOCUMENT_NAMES, DOCUMENT_PATHS, listVersions } from "@/lib/legal";
import { surface } from "@/components/ui/styles";
import { publishDocumentAction } from "./actions";
import { isoDay } from "@/lib/formats";

export const metadata: Metadata = { title: "Terms and privacy" };
export const dynamic = "force-dynamic";


export default async function LegalAdminPage() {
  await requireAdmin("/admin/legal", { permission: "legal:read" });
  const versions = await Promise.all(DOCUMENT_KINDS.map(async (kind) => [kind, await listVersions(kind)] as const));
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Terms and privacy</h1>
      <p className="mb-6 mt-1 max-w-2xl text-slate-600 dark:text-slate-400">
        Publish a new version of the terms of service or the privacy notice. Versions are never changed: publish a new one, and earlier ones stay
        readable. One that requires acceptance is asked for at registration and at each customer&rsquo;s next sign-in.
      </p>
      {versions.map(([kind, list]) => (
        <section key={kind} aria-label={DOCUMENT_NAMES[kind]} className={`${surface} mb-6 p-6`}>
          <h2 className="text-lg font-semibold">{DOCUMENT_NAMES[kind]}</h2>
          {list.length === 0 ? <p className="mt-2 text-sm text-slate-500">No version published.</p> : null}
          <ul className="mt-2 space-y-1 text-sm" data-testid={`versions-${kind}`}>
            {list.map((v) => (
              <li key={v.id}>
                <Link href={`${DOCUMENT_PATHS[kind]}?version=${v.version}`} className="text-indigo-600 underline dark:text-indigo-400">
                  Version {v.version}: {v.title}
                </Link>{" "}
                <span className="text-slate-500">
                  effective {isoDay(v.effectiveAt)}
                  {v.requiresAcceptance ? ", requires acceptance" : ""}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <section aria-labelledby="publish-heading" className={`${surface} p-6`}>
        <h2 id="publish-heading" className="mb-4 text-lg font-semibold">Publish a version</h2>
        <PublishDocumentForm action={publishDocumentAction} today={isoDay(new Date())} />
      </section>
    </>
  );
}
