// Typed errors with stable codes; the http layer maps them to form messages or protocol errors.
import { DomainError } from "@/lib/errors";

export type UserErrorCode =
  | "invalid_credentials"
  | "throttled"
  | "locked"
  | "password_policy"
  | "invalid_token"
  | "rate_limited"
  | "captcha_failed"
  | "forbidden"
  | "email_taken"
  | "not_found"
  | "email_unverified"
  | "invalid_recovery_code"
  | "deletion_scheduled"
  /** A password change on an account that has none (it signs in with a passkey). */
  | "no_password"
  /** The new password is the current one. */
  | "password_reused"
  | "invalid_input"
  /** Removing the tenant's last super administrator. */
  | "last_admin"
  /** A user list's page link that was altered or belongs to another sort. */
  | "invalid_cursor";

export class UserError extends DomainError<UserErrorCode> {
  override readonly name = "UserError";
  override readonly shownToUser = true;
  constructor(
    code: UserErrorCode,
    message: string,
    readonly details: { field?: string; retryAfterSeconds?: number; issues?: string[] } = {},
  ) {
    super(code, message, details.field);
  }
}

/** One message for every credential failure: unknown email, wrong password, disabled account. */
export const INVALID_CREDENTIALS_MESSAGE = "The email or password is incorrect.";
