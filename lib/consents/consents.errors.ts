// Typed errors with stable codes: mapped to form messages (console, portal) and to RFC 7807
// problem details (the consent API, lib/http/endpoints/consent).
import { DomainError } from "@/lib/errors";

export type ConsentErrorCode =
  /** The input breaks a rule (field says which). */
  | "invalid_input"
  /** No purpose has that key (or id). */
  | "unknown_purpose"
  /** The purpose has no such version of its text. */
  | "unknown_version"
  /** Another purpose has that key already. */
  | "duplicate_key"
  /** The purpose's legal basis is not consent: there is nothing to give or withdraw. */
  | "not_consent_based"
  /** The text shown is no longer the current one (the registration form was loaded before a new version). */
  | "version_changed"
  /** People's consent to the purpose stands: its legal basis cannot leave consent. */
  | "consents_stand"
  /** The account is gone or closed. */
  | "account_unavailable"
  /** No receipt of that id for this person. */
  | "receipt_not_found";

export class ConsentError extends DomainError<ConsentErrorCode> {
  override readonly name = "ConsentError";
  override readonly shownToUser = true;
  constructor(code: ConsentErrorCode, message: string, field?: string, options?: { fieldErrors?: Record<string, string> }) {
    super(code, message, field, options);
  }
}
