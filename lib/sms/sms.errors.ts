// Typed SMS errors with stable codes (docs/architecture.md, "A request": domain errors).
import { DomainError } from "@/lib/errors";

export type SmsErrorCode = "sms.invalid_number" | "sms.not_mobile" | "sms.rate_limited" | "sms.delivery_failed";

export class SmsError extends DomainError<SmsErrorCode> {
  override readonly name = "SmsError";
  constructor(
    code: SmsErrorCode,
    message: string,
    readonly details: { retryAfterSeconds?: number } = {},
  ) {
    super(code, message);
  }
}
