// Typed SMS errors with stable codes (ARCHITECTURE.md §5).
export type SmsErrorCode = "sms.invalid_number" | "sms.not_mobile" | "sms.rate_limited" | "sms.delivery_failed";

export class SmsError extends Error {
  override readonly name = "SmsError";
  constructor(
    readonly code: SmsErrorCode,
    message: string,
    readonly details: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}
