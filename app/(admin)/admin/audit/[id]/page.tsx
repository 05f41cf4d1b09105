// One audit event in full: every column, the details as indented JSON, where the request came from,
// and links to the actor's and the target's user pages.
import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { surface } from "@/components/ui/styles";
import { requireAdmin } from "@/lib/http";
import { auditEventForAdmin } from "@/lib/audit-admin";

export const metadata: Metadata = { title: "Audit event" };
export const dynamic = "force-dynamic";

const userLink = (id: string) => (
  <Link href={`/admin/users/${encodeURIComponent(id)}`} className="underline-offset-2 hover:underline">
    <code>{id}</code>
  </Link>
);

export default async function AuditEventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await requireAdmin(`/admin/audit/${encodeURIComponent(id)}`, { permission: "audit:read" });
  const event = await auditEventForAdmin({ id: session.user.id, roles: session.user.roles }, id);
  if (!event) notFound();
  const rows: [string, ReactNode][] = [
    ["Id", <code key="id">{event.id}</code>],
    ["When (UTC)", `${event.createdAt.toISOString().replace("T", " ").replace("Z", "")} UTC`],
    ["Action", <code key="action">{event.action}</code>],
    ["Result", event.result],
    ["Actor type", event.actorType],
    ["Actor", event.actorId ? userLink(event.actorId) : "—"],
    ["Target type", event.targetType ?? "—"],
    ["Target", event.targetId ? (event.targetType === "user" ? userLink(event.targetId) : <code key="target">{event.targetId}</code>) : "—"],
    ["IP address", event.ip ?? "—"],
    ["User agent", event.userAgent ?? "—"],
  ];
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/audit" className="underline-offset-2 hover:underline">
          ← Audit log
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">
        Event #{event.id}: <code>{event.action}</code>
      </h1>
      <section className={`${surface} mt-6 p-6`} aria-label="The event">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]" data-testid="audit-event">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="font-medium text-slate-500">{label}</dt>
              <dd className="break-all">{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className={`${surface} mt-6 p-6`} aria-labelledby="details">
        <h2 id="details" className="text-lg font-semibold">
          Details
        </h2>
        <pre className="mt-3 overflow-x-auto rounded-lg bg-slate-50 p-4 text-xs dark:bg-slate-950" data-testid="audit-event-details">
          {event.details === null || event.details === undefined ? "(none)" : JSON.stringify(event.details, null, 2)}
        </pre>
      </section>
    </>
  );
}
