// Mail rows do not keep live secrets. A message's body (reset and verification links, sign-in
// codes) is needed only until it is delivered: the outbox empties text and html, and a subject
// that carries a code, as it marks the message sent or gives it up (mail.repo.ts), keeping the
// metadata (to, template, status, attempts, times) for support. The janitor removes bodies left
// behind and deletes rows older than MAIL_RETENTION_DAYS (lib/outbox/sweep.ts).
//
// The dev outbox (/dev/mail, no SMTP) is the one reader of delivered bodies: a developer opens
// the verification link there. Messages it "delivered" keep their body while it is on; once it is
// switched off, the next sweep removes them.
import "server-only";
import { config } from "@/lib/config";
import { purgeMailBodies } from "./mail.repo";
import type { MailTransport } from "./transport";

/** Whether a message sent through `transport` keeps its body: only for the dev outbox, while it is on. */
export function keepsBodyAfterDelivery(transport: MailTransport): boolean {
  return transport.name === "outbox" && config().devOutbox;
}

/** The mail queue's housekeeping before old rows are deleted. */
export async function removeLeftoverBodies(): Promise<{ bodiesRemoved: number }> {
  return { bodiesRemoved: await purgeMailBodies({ keepDevOutbox: config().devOutbox }) };
}
