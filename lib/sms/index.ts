// Text messages: one-time codes to a phone. A code is worth something for minutes only, so a
// message is sent while the user waits (with one retry for a transient failure) rather than
// through a retrying outbox: the user learns at once that it failed and can pick another method.
// Every message is recorded (number, purpose, outcome); its text only for the dev outbox, since
// it holds a live code. Sends are limited per number and day: an open sender invites SMS pumping
// (toll fraud), where an attacker has codes texted to premium numbers they are paid for.
import "server-only";
import { config } from "@/lib/config";
import type { Tx } from "@/lib/db";
import { consumeLimit } from "@/lib/ratelimit";
import { SmsError } from "./sms.errors";
import { deleteSmsMessagesBefore, deleteSmsMessagesTo, insertSmsMessage, listSmsMessages, type SmsMessage } from "./sms.repo";
import { defaultSmsTransport, SmsSendFailure, type SmsTransport } from "./transport";

export { SmsError, type SmsErrorCode } from "./sms.errors";
export { checkPhoneNumber, maskPhone, phoneNumberSchema } from "./sms.schema";
export { httpGatewayTransport, outboxSmsTransport, type SmsTransport, type OutgoingSms } from "./transport";
export type { SmsMessage };

const E164 = /^\+[1-9]\d{6,14}$/;
const RETRY_AFTER_MS = 500;
/** How long sent-message records are kept (support questions, the dev outbox). */
export const SMS_RETENTION_DAYS = 30;

export interface SmsRequest {
  /** E.164, as checkPhoneNumber returns it. */
  to: string;
  text: string;
  /** What the message is for, recorded with it ("sign-in-code", "enrolment-code"). */
  purpose: string;
}

/** Sends now; resolves once the gateway accepted the message, else throws SmsError. */
export async function sendSms(req: SmsRequest, opts: { transport?: SmsTransport } = {}): Promise<{ id: string }> {
  if (!E164.test(req.to)) throw new SmsError("sms.invalid_number", "invalid recipient number");
  const wait = await consumeLimit({ keyPrefix: "sms-to", points: config().SMS_PER_NUMBER_DAY, durationSeconds: 24 * 3600 }, req.to);
  if (wait > 0) throw new SmsError("sms.rate_limited", "Too many text messages to this number today. Use another method.", { retryAfterSeconds: wait });

  const transport = opts.transport ?? defaultSmsTransport();
  let attempts = 0;
  let lastError: SmsSendFailure | null = null;
  let providerMessageId: string | undefined;
  while (attempts < 2) {
    attempts++;
    try {
      ({ providerMessageId } = await transport.send({ to: req.to, text: req.text }));
      lastError = null;
      break;
    } catch (e) {
      lastError = e instanceof SmsSendFailure ? e : new SmsSendFailure(e instanceof Error ? e.message : String(e), false);
      if (lastError.permanent) break;
      if (attempts < 2) await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
    }
  }
  const row = await insertSmsMessage({
    to: req.to,
    purpose: req.purpose,
    text: transport.name === "outbox" ? req.text : null,
    transport: transport.name,
    status: lastError ? "failed" : "sent",
    attempts,
    providerMessageId: providerMessageId ?? null,
    lastError: lastError?.message ?? null,
    sentAt: lastError ? null : new Date(),
  });
  if (lastError) {
    // Never the text: it holds the code.
    console.warn(`[sms] ${req.purpose} to ${req.to.slice(0, 4)}… failed after ${attempts} attempt(s): ${lastError.message.slice(0, 300)}`);
    throw new SmsError("sms.delivery_failed", "We could not send a text message just now. Try again in a minute, or use another method.");
  }
  return row;
}

/** The dev outbox's list (the texts hold live codes: development only). */
export function listSmsOutbox(filter: { to?: string; take?: number } = {}): Promise<SmsMessage[]> {
  return listSmsMessages({ to: filter.to, take: Math.max(1, Math.min(filter.take ?? 50, 500)) });
}

export function purgeOldSmsMessages(now: Date): Promise<number> {
  return deleteSmsMessagesBefore(new Date(now.getTime() - SMS_RETENTION_DAYS * 24 * 3600_000));
}

/** An erasure's part (GDPR art. 17), in its transaction: every text recorded to these numbers. */
export function eraseSmsTo(numbers: string[], tx: Tx): Promise<number> {
  return deleteSmsMessagesTo(numbers, tx);
}
