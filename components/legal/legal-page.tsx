// /terms and /privacy: the current version of the document, or the one asked for by ?version=N,
// with the list of every version (earlier ones stay readable: acceptances point at them).
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { Alert } from "@/components/ui/alert";
import { LegalDocumentBody } from "./legal-document";
import { DOCUMENT_NAMES, DOCUMENT_PATHS, getDocument, listVersions, parseMarkdown, type DocumentKind } from "@/lib/legal";
import { versionParamSchema } from "@/lib/legal/legal.schema";
import { isoDay } from "@/lib/formats";


export async function LegalPage({ kind, versionParam }: { kind: DocumentKind; versionParam: string | string[] | undefined }) {
  const asked = typeof versionParam === "string" ? versionParamSchema.safeParse(versionParam) : null;
  const version = asked?.success ? asked.data : undefined;
  const [doc, versions] = await Promise.all([getDocument(kind, version), listVersions(kind)]);
  const now = new Date();
  const current = versions.find((v) => v.effectiveAt <= now);
  if (!doc) {
    return (
      <AuthCard title={DOCUMENT_NAMES[kind]}>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {asked ? "There is no such version. " : ""}
          {current ? (
            <Link href={DOCUMENT_PATHS[kind]} className="text-indigo-600 underline dark:text-indigo-400">
              Read the current version.
            </Link>
          ) : (
            <>This Portico deployment has not published its {DOCUMENT_NAMES[kind].toLowerCase()} yet. Contact the operator of this site for details.</>
          )}
        </p>
      </AuthCard>
    );
  }
  const isCurrent = current?.id === doc.id;
  return (
    <AuthCard title={doc.title} subtitle={`Version ${doc.version}, effective ${isoDay(doc.effectiveAt)}`}>
      {!isCurrent ? (
        <Alert tone="info">
          {doc.effectiveAt > now ? "This version is not in effect yet." : "This is an earlier version."}{" "}
          <Link href={DOCUMENT_PATHS[kind]} className="underline">
            Read the current one.
          </Link>
        </Alert>
      ) : null}
      <LegalDocumentBody blocks={parseMarkdown(doc.body)} />
      {versions.length > 1 ? (
        <nav aria-label="Versions" className="border-t border-slate-200 pt-4 text-sm dark:border-slate-800">
          <h2 className="font-medium">All versions</h2>
          <ul className="mt-2 space-y-1">
            {versions.map((v) => (
              <li key={v.id}>
                <Link href={`${DOCUMENT_PATHS[kind]}?version=${v.version}`} className="text-indigo-600 underline dark:text-indigo-400" aria-current={v.id === doc.id ? "page" : undefined}>
                  Version {v.version}
                </Link>{" "}
                <span className="text-slate-500">effective {isoDay(v.effectiveAt)}</span>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </AuthCard>
  );
}
