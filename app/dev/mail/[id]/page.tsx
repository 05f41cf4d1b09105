import Link from "next/link";
import { notFound } from "next/navigation";
import { config } from "@/lib/config";
import { getOutboxMessage } from "@/lib/mail";

export const dynamic = "force-dynamic";

export default async function DevMailMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!config().devOutbox) notFound();
  const message = await getOutboxMessage((await params).id);
  if (!message) notFound();
  return (
    <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
      <Link href="/dev/mail" className="text-sm text-indigo-600 hover:underline">← Outbox</Link>
      <h1 className="text-xl font-semibold" data-testid="mail-subject">{message.subject}</h1>
      <p className="text-sm text-slate-500">to {message.to} · {message.status} · attempts {message.attempts}</p>
      <h2 className="font-medium">Text</h2>
      {/* The text part carries the links as plain URLs; tests read them from here. */}
      <pre data-testid="mail-text" className="whitespace-pre-wrap rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">{message.text}</pre>
      <h2 className="font-medium">HTML</h2>
      <iframe title="HTML part" sandbox="" srcDoc={message.html} className="h-[480px] w-full rounded-lg border border-slate-200 bg-white" />
    </main>
  );
}
