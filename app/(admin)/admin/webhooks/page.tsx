import type { Metadata } from "next";
import Link from "next/link";
import { CreateWebhookForm } from "@/components/admin/webhook-forms";
import { requireAdmin } from "@/lib/http";
import { hasPermission } from "@/lib/users";
import { IDENTITY_EVENT_TYPES, listSubscriptions } from "@/lib/webhooks";
import { tableFrame } from "@/components/ui/styles";
import { createWebhookAction } from "./actions";

export const metadata: Metadata = { title: "Webhooks" };

const minute = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") + " UTC" : "—");

export default async function WebhooksPage() {
  const session = await requireAdmin("/admin/webhooks", { permission: "webhooks:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const mayWrite = hasPermission(actor, "webhooks:write");
  const subscriptions = await listSubscriptions({ admin: actor });
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Webhooks</h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        Systems subscribe here to identity events. Each event is POSTed as JSON, signed the Standard Webhooks way (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>), and retried for about a day
        when the receiver fails. A subscription failing for days is disabled and its administrators are mailed.
      </p>

      <section aria-labelledby="subscriptions" className="mt-8">
        <h2 id="subscriptions" className="text-lg font-semibold">Subscriptions</h2>
        <div className={`mt-4 ${tableFrame}`}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Webhook subscriptions</caption>
            <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">URL</th>
                <th scope="col" className="px-4 py-2 font-medium">Events</th>
                <th scope="col" className="px-4 py-2 font-medium">Status</th>
                <th scope="col" className="px-4 py-2 font-medium">Failures (24 h)</th>
                <th scope="col" className="px-4 py-2 font-medium">Last success</th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.map((s) => (
                <tr key={s.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                  <td className="px-4 py-2">
                    <Link href={`/admin/webhooks/${s.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                      {s.url}
                    </Link>
                    {s.description ? <div className="text-xs text-slate-500">{s.description}</div> : null}
                    {s.readOnly ? <div className="text-xs text-slate-500">From the configuration (RISK_ALERT_WEBHOOK_URL)</div> : null}
                  </td>
                  <td className="px-4 py-2 text-xs">{s.eventTypes.join(", ")}</td>
                  <td className="px-4 py-2">
                    {s.enabled ? (s.consecutiveFailures ? <span className="text-amber-700 dark:text-amber-300">failing ({s.consecutiveFailures} in a row)</span> : "active") : <span className="text-slate-500" title={s.disabledReason ?? undefined}>disabled</span>}
                  </td>
                  <td className="px-4 py-2">{s.recentFailures}</td>
                  <td className="px-4 py-2">{minute(s.lastSuccessAt)}</td>
                </tr>
              ))}
              {subscriptions.length === 0 ? (
                <tr>
                  <td colSpan={5} className="px-4 py-6 text-center text-slate-500">
                    No subscriptions yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>

      {mayWrite ? (
        <section aria-labelledby="new-webhook" className="mt-10">
          <h2 id="new-webhook" className="mb-4 text-lg font-semibold">New subscription</h2>
          <CreateWebhookForm action={createWebhookAction} eventTypes={IDENTITY_EVENT_TYPES} />
        </section>
      ) : null}
    </>
  );
}
