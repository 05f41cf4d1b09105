// How a message leaves: SMTP when SMTP_URL is set, else the dev "outbox" (the message is only
// marked delivered and stays readable on the outbox page). Timeouts are short and there is a hard
// cap per message, because the worker sends a claimed batch in sequence and a silent server must
// not hold the batch (and its lease) hostage.
import "server-only";
import nodemailer from "nodemailer";
import { config } from "@/lib/config";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  /** Stored on the row as `transport`. */
  readonly name: "smtp" | "outbox";
  send(mail: OutgoingMail): Promise<void>;
}

/** Longest a single send may take; the claim lease is derived from it. */
export const SEND_TIMEOUT_MS = 30_000;

export function createSmtpTransport(url: string, opts: { from?: string; timeoutMs?: number } = {}): MailTransport {
  const timeout = opts.timeoutMs ?? 10_000;
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
  } as nodemailer.TransportOptions);
  const from = opts.from ?? config().MAIL_FROM;
  return {
    name: "smtp",
    async send(mail) {
      let timer: NodeJS.Timeout | undefined;
      const cap = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`SMTP send timed out after ${SEND_TIMEOUT_MS} ms`)), SEND_TIMEOUT_MS);
      });
      try {
        await Promise.race([transporter.sendMail({ from, ...mail }), cap]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export const outboxTransport: MailTransport = {
  name: "outbox",
  async send() {},
};

// One nodemailer transporter per process (keyed by URL so a changed config is honoured).
let cached: { url: string | undefined; transport: MailTransport } | undefined;

export function defaultMailTransport(): MailTransport {
  const url = config().SMTP_URL;
  if (!cached || cached.url !== url) {
    cached = { url, transport: url ? createSmtpTransport(url) : outboxTransport };
  }
  return cached.transport;
}

/**
 * SMTP 5xx on the recipient or the content is a permanent refusal (RFC 5321 §4.2.1): retrying
 * cannot help. Other 5xx (e.g. authentication) are operator mistakes that retries can outlive.
 */
export function isPermanentFailure(e: unknown): boolean {
  const err = e as { responseCode?: unknown; code?: unknown };
  return (
    typeof err?.responseCode === "number" &&
    err.responseCode >= 500 &&
    err.responseCode < 600 &&
    (err.code === "EENVELOPE" || err.code === "EMESSAGE")
  );
}
