import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EditWebhookForm, ReplaySinceForm, WebhookButton } from "@/components/admin/webhook-forms";
import { requireAdmin } from "@/lib/http";
import { hasPermission } from "@/lib/users";
import { IDENTITY_EVENT_TYPES, WebhookError, getSubscription, listDeliveries, type DeliveryView, type SubscriptionView } from "@/lib/webhooks";
import { tableFrame } from "@/components/ui/styles";
import { deleteWebhookAction, replayWebhookDeliveryAction, replayWebhookSinceAction, rotateWebhookSecretAction, sendWebhookTestAction, setWebhookEnabledAction, updateWebhookAction } from "../actions";

export const metadata: Metadata = { title: "Webhook subscription" };

const minute = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") + " UTC" : "—");
/** A datetime-local value (UTC) a day before `now`: the replay form's default. */
const dayBefore = (now: Date) => new Date(now.getTime() - 24 * 3600_000).toISOString().slice(0, 16);
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function WebhookPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const session = await requireAdmin(`/admin/webhooks/${encodeURIComponent(id)}`, { permission: "webhooks:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const principal = { admin: actor };
  const before = one((await searchParams).before)?.slice(0, 64);
  let subscription: SubscriptionView;
  let log: { deliveries: DeliveryView[]; next: string | null };
  try {
    subscription = await getSubscription(principal, id);
    log = await listDeliveries(principal, id, { before, take: 50 }).catch((e: unknown) => {
      // A stale cursor: the first page.
      if (e instanceof WebhookError && e.code === "invalid_input") return listDeliveries(principal, id, { take: 50 });
      throw e;
    });
  } catch (e) {
    if (e instanceof WebhookError && e.code === "not_found") notFound();
    throw e;
  }
  const mayWrite = hasPermission(actor, "webhooks:write");
  const s = subscription;
  const defaultSince = dayBefore(new Date());
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/webhooks" className="text-indigo-700 hover:underline dark:text-indigo-300">
          ← Webhooks
        </Link>
      </p>
      <h1 className="mt-2 break-all text-2xl font-semibold tracking-tight">{s.url}</h1>
      <dl className="mt-4 grid max-w-2xl grid-cols-[10rem_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Status</dt>
        <dd>{s.enabled ? "enabled" : `disabled${s.disabledReason ? `: ${s.disabledReason}` : ""}`}</dd>
        <dt className="text-slate-500">Events</dt>
        <dd>{s.eventTypes.join(", ")}</dd>
        <dt className="text-slate-500">Failing run</dt>
        <dd>{s.consecutiveFailures ? `${s.consecutiveFailures} failed attempts since ${minute(s.failingSince)}` : "none"}</dd>
        <dt className="text-slate-500">Last success</dt>
        <dd>{minute(s.lastSuccessAt)}</dd>
        {s.previousSecretValidUntil ? (
          <>
            <dt className="text-slate-500">Previous secret</dt>
            <dd>signs too until {minute(s.previousSecretValidUntil)}</dd>
          </>
        ) : null}
        <dt className="text-slate-500">Source</dt>
        <dd>{s.readOnly ? "the configuration (RISK_ALERT_WEBHOOK_URL, RISK_ALERT_WEBHOOK_SECRET): change it there" : `${s.source}, created by ${s.createdBy ?? "?"}`}</dd>
      </dl>

      {mayWrite ? (
        <section aria-labelledby="manage" className="mt-8 space-y-4">
          <h2 id="manage" className="text-lg font-semibold">Manage</h2>
          <div className="flex flex-wrap items-start gap-3">
            <WebhookButton action={setWebhookEnabledAction} fields={{ id: s.id, enabled: String(!s.enabled) }} label={s.enabled ? "Disable" : "Enable"} pendingLabel="Saving…" />
            {s.enabled ? <WebhookButton action={sendWebhookTestAction} fields={{ id: s.id }} label="Send a test event" pendingLabel="Queueing…" /> : null}
            {!s.readOnly ? <WebhookButton action={rotateWebhookSecretAction} fields={{ id: s.id }} label="Rotate secret" pendingLabel="Rotating…" confirm="A new secret; the current one keeps signing beside it for 24 hours." /> : null}
            {!s.readOnly ? <WebhookButton action={deleteWebhookAction} fields={{ id: s.id }} label="Delete" pendingLabel="Deleting…" confirm="Delete this subscription and its delivery log?" danger /> : null}
          </div>
          {!s.readOnly ? <EditWebhookForm action={updateWebhookAction} eventTypes={IDENTITY_EVENT_TYPES} subscription={s} /> : null}
          {s.enabled ? <ReplaySinceForm action={replayWebhookSinceAction} subscriptionId={s.id} defaultSince={defaultSince} /> : null}
        </section>
      ) : null}

      <section aria-labelledby="deliveries" className="mt-10">
        <h2 id="deliveries" className="text-lg font-semibold">Deliveries</h2>
        <div className={`mt-4 ${tableFrame}`}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Deliveries, newest first</caption>
            <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Created</th>
                <th scope="col" className="px-4 py-2 font-medium">Event</th>
                <th scope="col" className="px-4 py-2 font-medium">Status</th>
                <th scope="col" className="px-4 py-2 font-medium">Response</th>
                <th scope="col" className="px-4 py-2 font-medium">Attempts</th>
                <th scope="col" className="px-4 py-2 font-medium">Last attempt</th>
                {mayWrite && s.enabled ? (
                  <th scope="col" className="px-4 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {log.deliveries.map((d) => (
                <tr key={d.id} className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800">
                  <td className="px-4 py-2 whitespace-nowrap">{minute(d.createdAt)}</td>
                  <td className="px-4 py-2">
                    <code className="text-xs">{d.eventType}</code>
                    <div className="text-xs text-slate-500">{d.eventId}{d.trigger !== "event" ? ` · ${d.trigger.replace("_", " ")}` : ""}</div>
                  </td>
                  <td className="px-4 py-2">
                    {d.status}
                    {d.nextAttemptAt ? <div className="text-xs text-slate-500">next {minute(d.nextAttemptAt)}</div> : null}
                  </td>
                  <td className="px-4 py-2">
                    {d.lastStatusCode ?? "—"}
                    {d.lastError ? <div className="max-w-xs truncate text-xs text-slate-500" title={d.lastError}>{d.lastError}</div> : null}
                    {d.lastDurationMs !== null ? <div className="text-xs text-slate-500">{d.lastDurationMs} ms</div> : null}
                  </td>
                  <td className="px-4 py-2">{d.attempts}</td>
                  <td className="px-4 py-2 whitespace-nowrap">{minute(d.lastAttemptAt ?? d.deliveredAt)}</td>
                  {mayWrite && s.enabled ? (
                    <td className="px-4 py-2 text-right">
                      <WebhookButton action={replayWebhookDeliveryAction} fields={{ id: s.id, deliveryId: d.id }} label="Replay" pendingLabel="Queueing…" />
                    </td>
                  ) : null}
                </tr>
              ))}
              {log.deliveries.length === 0 ? (
                <tr>
                  <td colSpan={7} className="px-4 py-6 text-center text-slate-500">
                    No deliveries yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        {log.next ? (
          <p className="mt-3 text-sm">
            <Link href={`/admin/webhooks/${s.id}?before=${log.next}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
              Older deliveries →
            </Link>
          </p>
        ) : null}
      </section>
    </>
  );
}
