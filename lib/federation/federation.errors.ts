// Federation's typed errors. Codes are stable (tests and the error pages branch on them); messages
// written for the person are shown, the upstream's own error text only as a detail.
import { DomainError } from "@/lib/errors";

export type FederationErrorCode =
  | "not_found"
  | "invalid_input"
  | "forbidden"
  /** The upstream answered with an OAuth error (RFC 6749 §4.1.2.1): the customer declined, or the upstream refused. */
  | "upstream_error"
  /** No request under way for this state in this browser, or it was used or expired (RFC 6749 §10.12). */
  | "invalid_state"
  /** The upstream's answer broke the protocol: a missing code, a bad token response, an ID token that does not validate. */
  | "invalid_response"
  /** A SAML response whose signature does not verify against the connection's certificates (or an assertion left unsigned, or wrapped). */
  | "saml_signature"
  /** A SAML assertion issued by another entity than the connection's identity provider. */
  | "saml_issuer"
  /** A SAML assertion for another service provider (Audience, Recipient or Destination). */
  | "saml_audience"
  /** A SAML assertion outside its validity window (Conditions, SubjectConfirmationData). */
  | "saml_expired"
  /** A SAML assertion presented before, or one answering another request than this browser's. */
  | "saml_replayed"
  /** The upstream could not be reached, or refused by the outbound guard. */
  | "upstream_unreachable"
  /** The upstream gave no address, and an account needs one. */
  | "no_email"
  /** The identity is linked to another account. */
  | "already_linked"
  /** Unlinking it would leave the account no way to sign in. */
  | "last_sign_in_method"
  /** The kept upstream tokens expired and cannot be refreshed (RFC 6749 §5.2 invalid_grant, or no refresh token): the customer signs in through the connection again. */
  | "sign_in_required";

export class FederationError extends DomainError<FederationErrorCode> {
  override readonly name = "FederationError";
  override readonly shownToUser = true;
  constructor(
    code: FederationErrorCode,
    message: string,
    readonly details: { field?: string; fieldErrors?: Record<string, string>; upstreamError?: string } = {},
  ) {
    super(code, message, details.field, { fieldErrors: details.fieldErrors });
  }
}
