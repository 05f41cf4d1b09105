// Mail rows do not keep live secrets. A message's body (reset and verification links, sign-in
// codes) is needed only until it is delivered: the worker empties text and html, and a subject
// that carries a code, as it marks the message sent or gives it up (mail.repo.ts), keeping the
// metadata (to, template, status, attempts, times) for support. The janitor removes bodies left
// behind and deletes rows older than MAIL_RETENTION_DAYS.
//
// The dev outbox (/dev/mail, no SMTP) is the one reader of delivered bodies: a developer opens
// the verification link there. Messages it "delivered" keep their body while it is on; once it is
// switched off, the next sweep removes them.
import "server-only";
import { config } from "@/lib/config";
import { deleteMailCreatedBefore, purgeMailBodies } from "./mail.repo";
import type { MailTransport } from "./transport";

const DAY_MS = 24 * 3600_000;

/** Whether a message sent through `transport` keeps its body: only for the dev outbox, while it is on. */
export function keepsBodyAfterDelivery(transport: MailTransport): boolean {
  return transport.name === "outbox" && config().devOutbox;
}

/** The janitor's pass over the mail table. */
export async function sweepMail(now = new Date()): Promise<{ bodiesRemoved: number; deleted: number }> {
  const { devOutbox, MAIL_RETENTION_DAYS } = config();
  const bodiesRemoved = await purgeMailBodies({ keepDevOutbox: devOutbox });
  const deleted = await deleteMailCreatedBefore(new Date(now.getTime() - MAIL_RETENTION_DAYS * DAY_MS));
  return { bodiesRemoved, deleted };
}
