import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOutboxReader } from "@/lib/http";
import { getOutboxMessage } from "@/lib/mail";
import { OutboxWarning } from "../outbox-warning";

export const dynamic = "force-dynamic";

export default async function DevMailMessagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireOutboxReader(`/dev/mail/${encodeURIComponent(id)}`);
  const message = await getOutboxMessage(id);
  if (!message) notFound();
  return (
    <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
      <Link href="/dev/mail" className="text-sm text-indigo-600 hover:underline">← Outbox</Link>
      <OutboxWarning />
      <h1 className="text-xl font-semibold" data-testid="mail-subject">{message.subject}</h1>
      <p className="text-sm text-slate-500">to {message.to} · {message.status} · attempts {message.attempts}</p>
      {message.bodyPurgedAt ? (
        // lib/mail/retention.ts: delivered (or given-up) mail keeps no links or codes.
        <p data-testid="mail-purged" className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-400">
          The body was removed at {message.bodyPurgedAt.toISOString()}, once the message was {message.status === "sent" ? "delivered" : "given up"}: Portico keeps no links or codes after that.
        </p>
      ) : (
        <>
          <h2 className="font-medium">Text</h2>
          {/* The text part carries the links as plain URLs; tests read them from here. */}
          <pre data-testid="mail-text" className="whitespace-pre-wrap rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">{message.text}</pre>
          <h2 className="font-medium">HTML</h2>
          <iframe title="HTML part" sandbox="" srcDoc={message.html} className="h-[480px] w-full rounded-lg border border-slate-200 bg-white" />
        </>
      )}
    </main>
  );
}
