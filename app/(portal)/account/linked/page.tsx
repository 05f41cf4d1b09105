import type { Metadata } from "next";
import { requireSession } from "@/lib/http";
import { linkableConnections, listLinkedIdentities } from "@/lib/federation";
import { Alert } from "@/components/ui/alert";
import { UnlinkButton } from "@/components/portal/unlink-button";
import { surface } from "@/components/ui/styles";
import { unlinkIdentityAction } from "./actions";

export const metadata: Metadata = { title: "Linked accounts" };
export const dynamic = "force-dynamic";

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "never");

export default async function LinkedAccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireSession("/account/linked");
  const [linked, linkable] = await Promise.all([listLinkedIdentities(user.id), linkableConnections(user.id)]);
  const params = await searchParams;
  const justLinked = typeof params.linked === "string" ? linked.find((l) => l.connection.slug === params.linked) : undefined;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Linked accounts</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">Other accounts you sign in with. Unlinking one leaves your account and its data as they are.</p>
      {justLinked ? (
        <div className="mt-4">
          <Alert tone="success">{justLinked.connection.name} is linked: you can sign in with it.</Alert>
        </div>
      ) : null}
      {params.unlinked ? (
        <div className="mt-4">
          <Alert tone="success">Unlinked.</Alert>
        </div>
      ) : null}
      <section aria-labelledby="linked" className={`${surface} mt-6 p-6`}>
        <h2 id="linked" className="text-lg font-semibold">Linked</h2>
        {linked.length === 0 ? <p className="mt-3 text-sm text-slate-500">No linked accounts.</p> : null}
        <ul className="mt-3 divide-y divide-slate-100 dark:divide-slate-800" data-testid="linked-identities">
          {linked.map((l) => (
            <li key={l.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
              <div>
                <p className="font-medium">{l.connection.name}</p>
                <p className="text-sm text-slate-600 dark:text-slate-400">
                  {l.email ?? "no address shared"} · linked {day(l.linkedAt)} · last used {day(l.lastUsedAt)}
                </p>
              </div>
              <UnlinkButton action={unlinkIdentityAction} identity={l.id} connection={l.connection.name} />
            </li>
          ))}
        </ul>
      </section>
      {linkable.length ? (
        <section aria-labelledby="link" className={`${surface} mt-6 p-6`}>
          <h2 id="link" className="text-lg font-semibold">Link another account</h2>
          <div className="mt-3 flex flex-wrap gap-3">
            {linkable.map((c) => (
              <a key={c.slug} href={`/federation/${encodeURIComponent(c.slug)}/start?link=1`} className="rounded-lg px-4 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
                Link {c.name}
              </a>
            ))}
          </div>
        </section>
      ) : null}
    </>
  );
}
