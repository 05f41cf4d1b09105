import type { Metadata } from "next";
import Link from "next/link";
import { config } from "@/lib/config";
import { requireOutboxReader } from "@/lib/http";
import { OutboxWarning } from "./outbox-warning";
import { listOutbox } from "@/lib/mail";
import { listSmsOutbox } from "@/lib/sms";

export const metadata: Metadata = { title: "Dev outbox" };
export const dynamic = "force-dynamic";

/**
 * The dev outbox: every queued message, for trials and tests without SMTP. Off in production unless
 * PORTICO_DEV_OUTBOX=1; an administrator's page (or loopback's, while no administrator exists).
 */
export default async function DevMailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { to } = await searchParams;
  await requireOutboxReader(typeof to === "string" ? `/dev/mail?to=${encodeURIComponent(to)}` : "/dev/mail");
  const [messages, texts] = await Promise.all([listOutbox({ to: typeof to === "string" ? to.trim().toLowerCase() : undefined, take: 100 }), listSmsOutbox({ take: 50 })]);
  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Dev outbox</h1>
      <OutboxWarning />
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Mail Portico sent{config().SMTP_URL ? " (delivered over SMTP: bodies are removed once sent)" : " (no SMTP_URL is set, so it goes nowhere else)"}. Newest first; kept {config().MAIL_RETENTION_DAYS} days.
      </p>
      <ul className="mt-6 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
        {messages.map((m) => (
          <li key={m.id} className="px-4 py-3" data-testid="outbox-item">
            <Link href={`/dev/mail/${m.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              {m.subject}
            </Link>
            <div className="text-sm text-slate-500">
              to <span data-testid="outbox-to">{m.to}</span> · {m.status} · {m.createdAt.toISOString()}
            </div>
          </li>
        ))}
        {messages.length === 0 ? <li className="px-4 py-6 text-center text-slate-500">No mail yet.</li> : null}
      </ul>
      <h2 className="mt-10 text-xl font-semibold">Text messages</h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {config().SMS_GATEWAY_URL ? "Sent through SMS_GATEWAY_URL: their text is not kept." : "No SMS_GATEWAY_URL is set, so they go nowhere else."} Newest first.
      </p>
      <ul className="mt-4 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
        {texts.map((m) => (
          <li key={m.id} className="px-4 py-3" data-testid="sms-item">
            <div className="text-sm text-slate-500">
              to <span data-testid="sms-to">{m.to}</span> · {m.purpose} · {m.status} · {m.createdAt.toISOString()}
            </div>
            {m.text ? <pre className="mt-1 whitespace-pre-wrap font-mono text-sm" data-testid="sms-text">{m.text}</pre> : null}
          </li>
        ))}
        {texts.length === 0 ? <li className="px-4 py-6 text-center text-slate-500">No text messages yet.</li> : null}
      </ul>
    </main>
  );
}
