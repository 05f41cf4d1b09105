// The mail queue of the outbox (lib/outbox): one message at a time over SMTP, or into the dev
// outbox when SMTP_URL is unset. Delivery errors are stored on the row and logged, never the body.
import "server-only";
import { config } from "@/lib/config";
import { backoffSeconds, type OutboxQueue } from "@/lib/outbox";
import { deadLetterColumns, sentColumns, type MailMessage } from "./mail.repo";
import { defaultMailTransport, isPermanentFailure, SEND_TIMEOUT_MS, type MailTransport } from "./transport";
import { keepsBodyAfterDelivery, removeLeftoverBodies } from "./retention";

const MAX_BACKOFF_SECONDS = 3600;

/** Seconds to wait after the `attempts`-th failure (1-based): base * 2^(attempts-1), at most an hour. */
export function retryDelaySeconds(attempts: number, baseSeconds = config().MAIL_RETRY_BASE_SECONDS): number {
  return backoffSeconds(attempts, { baseSeconds, maxBackoffSeconds: MAX_BACKOFF_SECONDS });
}

/** `transport`: defaults to SMTP when SMTP_URL is set, else the dev outbox. Tests pass their own. */
export function mailQueue(opts: { transport?: MailTransport } = {}): OutboxQueue<MailMessage> {
  return {
    name: "mail",
    table: "MailMessage",
    // Messages are sent one after another, so the lease must outlast the whole batch at worst.
    leaseSeconds: (limit) => 60 + Math.ceil((limit * SEND_TIMEOUT_MS) / 1000),
    retryPolicy: () => ({ baseSeconds: config().MAIL_RETRY_BASE_SECONDS, maxBackoffSeconds: MAX_BACKOFF_SECONDS, maxAttempts: config().MAIL_MAX_ATTEMPTS }),
    async deliver(m) {
      const transport = opts.transport ?? defaultMailTransport();
      await transport.send({ to: m.to, subject: m.subject, text: m.text, html: m.html });
      return sentColumns(transport.name, { keepBody: keepsBodyAfterDelivery(transport) });
    },
    isPermanent: isPermanentFailure,
    deadLetterColumns,
    // Never the body: it holds single-use links.
    describe: (m) => `delivery of ${m.id} (${m.template})`,
    retentionDays: () => config().MAIL_RETENTION_DAYS,
    sweep: removeLeftoverBodies,
  };
}
