// Typed mail errors with stable codes (ARCHITECTURE.md §5). These are programming errors of the
// caller (bad template data, bad recipient); delivery failures are never thrown, they are stored
// on the message row and retried.
export type MailErrorCode = "mail.invalid_recipient" | "mail.invalid_link" | "mail.unknown_template";

export class MailError extends Error {
  override readonly name = "MailError";
  constructor(
    readonly code: MailErrorCode,
    message: string,
  ) {
    super(message);
  }
}
