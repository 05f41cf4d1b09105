// Transactional mail through the outbox (lib/outbox). enqueueMail only writes a row (inside the
// caller's transaction when given, so "user created" and "verification mail queued" commit or roll
// back together); the outbox delivers due rows with retries and exponential backoff (queue.ts).
// Delivery errors are stored on the row and logged, never thrown to the code that asked for the mail.
import "server-only";
import type { Tx } from "@/lib/db";
import { findOutboxRow, kickOutbox, listOutboxRows, registerOutboxQueue, runOutboxPass, sweepOutboxQueue } from "@/lib/outbox";
import { deleteMailTo, insertMailMessage, type MailMessage } from "./mail.repo";
import { MailError } from "./mail.errors";
import { renderTemplate, type TemplateData, type TemplateName } from "./templates";
import type { MailTransport } from "./transport";
import { mailQueue } from "./queue";

export { MailError, type MailErrorCode } from "./mail.errors";
export { maskEmail, renderTemplate, templateNames, type TemplateData, type TemplateName, type RenderedMail, type AdminChange } from "./templates";
export { createSmtpTransport, outboxTransport, type MailTransport, type OutgoingMail } from "./transport";
export { mailQueue, retryDelaySeconds } from "./queue";
export type { MailMessage };

export type MailRequest<K extends TemplateName = TemplateName> = { to: string; template: K; data: TemplateData[K] };

const defaultQueue = mailQueue();
registerOutboxQueue(defaultQueue);

// A deliberately narrow check: the address goes into an SMTP envelope, so no whitespace, no
// control characters, no display-name syntax. Real validation happened where the user typed it.
function assertRecipient(to: string): void {
  if (to.length > 254 || !/^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/.test(to)) {
    throw new MailError("mail.invalid_recipient", "invalid recipient address");
  }
}

/**
 * Queues a templated message. With `tx` the row is part of the caller's transaction; call
 * kickOutbox() after it commits for immediate delivery (otherwise the next poll or cron run sends it).
 * Throws only for caller mistakes (MailError) or a failed insert, never for delivery problems.
 */
export async function enqueueMail<K extends TemplateName>(req: MailRequest<K>, tx?: Tx): Promise<{ id: string }> {
  assertRecipient(req.to);
  const rendered = renderTemplate(req.template, req.data);
  const row = await insertMailMessage({ to: req.to, template: req.template, ...rendered }, tx);
  // Inside a transaction the row is invisible to a worker until commit, so kicking now would miss it.
  if (!tx) kickOutbox();
  return row;
}

export interface DeliverOptions {
  limit?: number;
  /** Defaults to SMTP when SMTP_URL is set, else the dev outbox. Tests pass their own. */
  transport?: MailTransport;
}

/** One delivery pass over the mail queue (tests; the outbox runs it in production). */
export async function deliverDueMail(opts: DeliverOptions = {}): Promise<{ sent: number; failed: number }> {
  const { done, failed } = await runOutboxPass(opts.transport ? mailQueue({ transport: opts.transport }) : defaultQueue, opts.limit);
  return { sent: done, failed };
}

/** Part of erasing an account, in its transaction: every message to its addresses, sent or not. */
export function eraseMailTo(addresses: string[], tx: Tx): Promise<number> {
  return deleteMailTo(addresses, tx);
}

/** The janitor's pass over the mail table: bodies left after delivery, rows past MAIL_RETENTION_DAYS. */
export async function sweepMail(now = new Date()): Promise<{ bodiesRemoved: number; deleted: number }> {
  const { bodiesRemoved = 0, deleted = 0 } = await sweepOutboxQueue(defaultQueue, now);
  return { bodiesRemoved, deleted };
}

// --- dev outbox page. Undelivered rows, and those the dev outbox delivered, hold live links:
// an administrator's page (lib/http/guards.ts), never on in production by itself.

export async function listOutbox(filter: { to?: string; take?: number } = {}): Promise<MailMessage[]> {
  // No stored address holds a NUL byte, which PostgreSQL refuses in a query: none matches.
  if (filter.to?.includes("\u0000")) return [];
  return listOutboxRows<MailMessage>("MailMessage", { where: filter.to ? { to: filter.to } : undefined, take: filter.take });
}

export function getOutboxMessage(id: string): Promise<MailMessage | null> {
  return findOutboxRow<MailMessage>("MailMessage", id);
}
