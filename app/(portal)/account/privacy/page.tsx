import type { Metadata } from "next";
import Link from "next/link";
import { requireSession } from "@/lib/http";
import { ConsentError, LEGAL_BASIS_LABELS, purposesWithDecisions, receiptOf, receiptsOf, type StoredReceipt } from "@/lib/consents";
import { connectedApplications } from "@/lib/oidc";
import { ConnectedApps } from "@/components/portal/connected-apps";
import { ConsentButton } from "@/components/portal/consent-button";
import { surface } from "@/components/ui/styles";
import { withdrawAccessAction } from "../apps/actions";
import { giveConsentAction, withdrawConsentAction } from "./actions";
import { isoDay } from "@/lib/formats";

export const metadata: Metadata = { title: "Privacy and consent" };
export const dynamic = "force-dynamic";


export default async function PrivacyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireSession("/account/privacy");
  const params = await searchParams;
  const opened = typeof params.receipt === "string" ? params.receipt : undefined;
  const [purposes, apps, receipts, shown] = await Promise.all([
    purposesWithDecisions(user.id),
    connectedApplications(user.id),
    receiptsOf(user.id),
    // An unknown or someone else's receipt id shows "no such receipt"; any other failure is not hidden.
    opened ? receiptOf(user.id, opened).catch((e: unknown) => (e instanceof ConsentError ? null : Promise.reject(e))) : Promise.resolve(null),
  ]);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Privacy and consent</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">What your data is used for, what you agreed to, and the applications you allowed. Withdrawing is as easy as agreeing, at any time.</p>

      <section aria-labelledby="purposes" className="mt-6">
        <h2 id="purposes" className="text-lg font-semibold">Purposes</h2>
        {purposes.length === 0 ? <p className="mt-2 text-slate-600 dark:text-slate-400">Your data is not used for any purpose that needs your consent.</p> : null}
        <ul className="mt-3 space-y-4" data-testid="purposes">
          {purposes.map(({ purpose, decision }) => {
            const given = decision?.status === "given";
            const outdated = given && decision.version < purpose.current.version;
            return (
              <li key={purpose.key} className={`${surface} p-5`} data-testid={`purpose-${purpose.key}`}>
                <div className="flex flex-wrap items-start justify-between gap-4">
                  <div className="max-w-prose">
                    <h3 className="font-semibold">{purpose.name}</h3>
                    <p className="mt-1 text-sm">{purpose.current.text}</p>
                    <p className="mt-1 text-xs text-slate-500">
                      Data: {purpose.dataCategories.join(", ")} · Kept: {purpose.retention}
                      {purpose.thirdParty ? ` · Shared with ${purpose.thirdParty}` : ""} · Version {purpose.current.version}
                    </p>
                    {purpose.legalBasis === "consent" ? (
                      <p className="mt-2 text-sm" data-testid="consent-status">
                        {given ? `You agreed on ${isoDay(decision.at)} (version ${decision.version}).` : decision?.status === "withdrawn" ? `You withdrew your consent on ${isoDay(decision.at)}.` : "You have not agreed."}
                        {outdated ? " The text has changed since." : ""}
                      </p>
                    ) : (
                      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">Not based on your consent: {LEGAL_BASIS_LABELS[purpose.legalBasis]}.</p>
                    )}
                  </div>
                  {purpose.legalBasis === "consent" ? (
                    <div className="flex flex-col gap-2">
                      {!given || outdated ? <ConsentButton action={giveConsentAction} purpose={purpose.key} version={purpose.current.version} label={outdated ? "Agree to the new text" : "Give consent"} ariaLabel={`Give consent: ${purpose.name}`} /> : null}
                      {given ? <ConsentButton action={withdrawConsentAction} purpose={purpose.key} label="Withdraw consent" ariaLabel={`Withdraw consent: ${purpose.name}`} /> : null}
                    </div>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="apps" className="mt-8">
        <h2 id="apps" className="text-lg font-semibold">Connected applications</h2>
        <ConnectedApps apps={apps} removeAction={withdrawAccessAction} headingLevel={3} />
      </section>

      <section aria-labelledby="receipts" className="mt-8">
        <h2 id="receipts" className="text-lg font-semibold">Consent receipts</h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Each decision has a receipt signed by this service (a JWS in the Kantara Consent Receipt format); anyone can check it against the keys published at <code>/api/consent/v1/receipt-keys</code>.
        </p>
        {receipts.length === 0 ? <p className="mt-2 text-slate-600 dark:text-slate-400" data-testid="no-receipts">No receipts yet.</p> : null}
        <ul className={`mt-3 divide-y divide-slate-100 dark:divide-slate-800 ${receipts.length ? `${surface} px-5` : ""}`} data-testid="receipts">
          {receipts.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
              <span>
                {r.action === "given" ? "Consent given" : "Consent withdrawn"}: <strong>{r.purpose}</strong> v{r.version} · <time dateTime={r.at.toISOString()}>{r.at.toUTCString()}</time>
              </span>
              <span className="flex gap-3">
                <Link href={`/account/privacy?receipt=${r.id}#receipt`} className="underline">View</Link>
                <a href={`/account/privacy/receipt?id=${r.id}&format=jws`} className="underline" download>Download JWS</a>
                <a href={`/account/privacy/receipt?id=${r.id}&format=json`} className="underline" download>Download JSON</a>
              </span>
            </li>
          ))}
        </ul>
        {shown ? <ReceiptView receipt={shown} /> : opened ? <p role="alert" className="mt-3 text-sm text-red-600">There is no such receipt.</p> : null}
      </section>
    </>
  );
}

function ReceiptView({ receipt }: { receipt: StoredReceipt }) {
  return (
    <div id="receipt" className={`${surface} mt-4 space-y-3 p-5`} data-testid="receipt">
      <h3 className="font-semibold">Receipt {receipt.id}</h3>
      <div>
        <h4 className="text-sm font-medium">Signed receipt (compact JWS)</h4>
        <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-3 text-xs dark:bg-slate-950" data-testid="receipt-jws">{receipt.jws}</pre>
      </div>
      <div>
        <h4 className="text-sm font-medium">Its content</h4>
        <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-3 text-xs dark:bg-slate-950" data-testid="receipt-json">{JSON.stringify(receipt.receipt, null, 2)}</pre>
      </div>
    </div>
  );
}
