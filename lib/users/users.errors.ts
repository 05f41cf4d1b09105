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
  | "invalid_cursor"
  /** An administrator tried to disable, lock, delete or strip their own account from the console. */
  | "own_account"
  /** An immediate deletion whose typed confirmation is not the account's address. */
  | "confirmation_mismatch"
  /** A segment's administrator created an account outside the segment. */
  | "outside_segment"
  /** The action does not apply in the account's state (enable an active account, unlock an unlocked one). */
  | "no_change"
  /** An administrator required a new password: no sign-in until it is reset. */
  | "password_reset_required";

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
