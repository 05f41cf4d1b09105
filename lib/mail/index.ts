// Transactional mail through an outbox table. enqueueMail only writes a row (inside the caller's
// transaction when given, so "user created" and "verification mail queued" commit or roll back
// together); a worker delivers due rows with retries and exponential backoff. Delivery errors are
// stored on the row and logged, never thrown to the code that asked for the mail.
import "server-only";
import { isUuid } from "@/lib/formats";
import { processSingleton } from "@/lib/process";
import type { Tx } from "@/lib/db";
import { config } from "@/lib/config";
import {
  claimDueMailMessages,
  findMailMessage,
  insertMailMessage,
  listMailMessages,
  markMailAttemptFailed,
  markMailSent,
  type MailMessage,
} from "./mail.repo";
import { MailError } from "./mail.errors";
import { renderTemplate, type TemplateData, type TemplateName } from "./templates";
import { defaultMailTransport, isPermanentFailure, SEND_TIMEOUT_MS, type MailTransport } from "./transport";
import { keepsBodyAfterDelivery } from "./retention";

export { MailError, type MailErrorCode } from "./mail.errors";
export { maskEmail, renderTemplate, templateNames, type TemplateData, type TemplateName, type RenderedMail } from "./templates";
export { createSmtpTransport, outboxTransport, type MailTransport, type OutgoingMail } from "./transport";
export { sweepMail } from "./retention";
export type { MailMessage };

export type MailRequest<K extends TemplateName = TemplateName> = { to: string; template: K; data: TemplateData[K] };

const MAX_BACKOFF_SECONDS = 3600;
const POLL_INTERVAL_MS = 2000;
const DEFAULT_BATCH = 10;

/** Seconds to wait after the `attempts`-th failure (1-based): base * 2^(attempts-1), at most an hour. */
export function retryDelaySeconds(attempts: number, baseSeconds = config().MAIL_RETRY_BASE_SECONDS): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_SECONDS);
}

// A deliberately narrow check: the address goes into an SMTP envelope, so no whitespace, no
// control characters, no display-name syntax. Real validation happened where the user typed it.
function assertRecipient(to: string): void {
  if (to.length > 254 || !/^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/.test(to)) {
    throw new MailError("mail.invalid_recipient", "invalid recipient address");
  }
}

/**
 * Queues a templated message. With `tx` the row is part of the caller's transaction; call
 * kickMailWorker() after it commits for immediate delivery (otherwise the next poll sends it).
 * Throws only for caller mistakes (MailError) or a failed insert, never for delivery problems.
 */
export async function enqueueMail<K extends TemplateName>(req: MailRequest<K>, tx?: Tx): Promise<{ id: string }> {
  assertRecipient(req.to);
  const rendered = renderTemplate(req.template, req.data);
  const row = await insertMailMessage({ to: req.to, template: req.template, ...rendered }, tx);
  // Inside a transaction the row is invisible to the worker until commit, so kicking now would miss it.
  if (!tx) kickMailWorker();
  return row;
}

export interface DeliverOptions {
  limit?: number;
  /** Defaults to SMTP when SMTP_URL is set, else the dev outbox. Tests pass their own. */
  transport?: MailTransport;
}

/** One delivery pass: claims due messages and sends them. Safe to run concurrently anywhere. */
export async function deliverDueMail(opts: DeliverOptions = {}): Promise<{ sent: number; failed: number }> {
  const limit = Math.max(1, Math.min(opts.limit ?? DEFAULT_BATCH, 100));
  const transport = opts.transport ?? defaultMailTransport();
  const { MAIL_MAX_ATTEMPTS } = config();
  // Messages are sent one after another, so the lease must outlast the whole batch at worst.
  const leaseSeconds = 60 + Math.ceil((limit * SEND_TIMEOUT_MS) / 1000);
  const claimed = await claimDueMailMessages(limit, leaseSeconds);
  let sent = 0;
  let failed = 0;
  for (const m of claimed) {
    try {
      await transport.send({ to: m.to, subject: m.subject, text: m.text, html: m.html });
    } catch (e) {
      failed++;
      const attempts = m.attempts + 1;
      const permanent = isPermanentFailure(e);
      const error = e instanceof Error ? e.message : String(e);
      // Never the body: it holds single-use links.
      console.warn(
        `[mail] delivery of ${m.id} (${m.template}) failed, attempt ${attempts}/${MAIL_MAX_ATTEMPTS}` +
          `${permanent ? ", permanent" : ""}: ${error.slice(0, 300)}`,
      );
      await markMailAttemptFailed(m.id, {
        error,
        retryInSeconds: retryDelaySeconds(attempts),
        maxAttempts: MAIL_MAX_ATTEMPTS,
        permanent,
      });
      continue;
    }
    // Outside the try: a failed status update after a successful send must not count as a
    // failed delivery (that would send it again); the lease expiring is the worst case.
    await markMailSent(m.id, transport.name, { keepBody: keepsBodyAfterDelivery(transport) });
    sent++;
  }
  return { sent, failed };
}

// --- background worker: one per process, shared by every bundle Next.js loads this module into.

interface Worker {
  timer?: NodeJS.Timeout;
  transport?: MailTransport;
  running: boolean;
  /** A kick arrived during a pass: run another one right after, so the new message is not left for the poll. */
  again: boolean;
}
const holder = processSingleton("mail.worker", () => ({ worker: undefined as Worker | undefined }));

async function runPasses(w: Worker, kicked: boolean): Promise<void> {
  if (w.running) {
    if (kicked) w.again = true;
    return;
  }
  w.running = true;
  try {
    do {
      w.again = false;
      // Drain: a full batch means more may be due.
      let full = true;
      while (full) {
        const r = await deliverDueMail({ transport: w.transport, limit: DEFAULT_BATCH });
        full = r.sent + r.failed >= DEFAULT_BATCH;
      }
    } while (w.again);
  } catch (e) {
    console.warn(`[mail] delivery pass failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    w.running = false;
  }
}

/** Starts polling for due mail every 2 s. Idempotent per process: later calls keep the first worker. */
export function startMailWorker(opts: { transport?: MailTransport; intervalMs?: number } = {}): void {
  if (holder.worker) return;
  const w: Worker = { transport: opts.transport, running: false, again: false };
  // unref: the poll alone must not keep a script or a test process alive.
  w.timer = setInterval(() => void runPasses(w, false), opts.intervalMs ?? POLL_INTERVAL_MS).unref();
  holder.worker = w;
}

export async function stopMailWorker(): Promise<void> {
  const w = holder.worker;
  if (!w) return;
  clearInterval(w.timer);
  holder.worker = undefined;
  while (w.running) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Runs a delivery pass now, without waiting for it. Does nothing in a process that has not
 * started the worker: mail then goes out on the next poll of whichever node runs one.
 */
export function kickMailWorker(): void {
  const w = holder.worker;
  if (w) void runPasses(w, true);
}

// --- dev outbox page. Undelivered rows, and those the dev outbox delivered, hold live links:
// an administrator's page (lib/http/guards.ts), never on in production by itself.

export async function listOutbox(filter: { to?: string; take?: number } = {}): Promise<MailMessage[]> {
  // No stored address holds a NUL byte, which PostgreSQL refuses in a query: none matches.
  if (filter.to?.includes("\u0000")) return [];
  return listMailMessages({ to: filter.to, take: Math.max(1, Math.min(filter.take ?? 50, 500)) });
}

export async function getOutboxMessage(id: string): Promise<MailMessage | null> {
  // A malformed id would be a database error on a uuid column; to a caller it is simply "not found".
  if (!isUuid(id)) return null;
  return findMailMessage(id);
}
