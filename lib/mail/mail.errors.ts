// Typed mail errors with stable codes (docs/architecture.md, "A request": domain errors). These are programming errors of the
// caller (bad template data, bad recipient); delivery failures are never thrown, they are stored
// on the message row and retried.
import { DomainError } from "@/lib/errors";

export type MailErrorCode = "mail.invalid_recipient" | "mail.invalid_link" | "mail.unknown_template";

export class MailError extends DomainError<MailErrorCode> {
  override readonly name = "MailError";
  constructor(code: MailErrorCode, message: string) {
    super(code, message);
  }
}
