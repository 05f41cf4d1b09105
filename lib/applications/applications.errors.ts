// Typed errors with stable codes. ApplicationError is for administration and registration (mapped to
// form field errors or RFC 7591 §3.2.2); ClientAuthError is the token endpoint's RFC 6749 §5.2 answer.
import { DomainError } from "@/lib/errors";

export type ApplicationErrorCode =
  | "forbidden"
  | "not_found"
  | "invalid_input"
  | "not_applicable"
  /** RFC 6750 §3.1: the initial access token is missing, unknown, expired or revoked. */
  | "invalid_token"
  /** RFC 7591 §3.2.2 */
  | "invalid_redirect_uri"
  | "invalid_client_metadata";

export class ApplicationError extends DomainError<ApplicationErrorCode> {
  override readonly name = "ApplicationError";
  override readonly shownToUser = true;
  constructor(
    code: ApplicationErrorCode,
    message: string,
    readonly details: { field?: string; fieldErrors?: Record<string, string> } = {},
  ) {
    super(code, message, details.field, { fieldErrors: details.fieldErrors });
  }
}

export type ClientAuthErrorCode = "invalid_client" | "invalid_request";

/**
 * RFC 6749 §5.2. invalid_client is 401; when the client tried HTTP Basic, the answer names that
 * scheme in WWW-Authenticate. The description never says which check failed (unknown client, wrong
 * secret, disabled client and wrong method read the same).
 */
export class ClientAuthError extends DomainError<ClientAuthErrorCode> {
  override readonly name = "ClientAuthError";
  readonly status: 400 | 401;
  readonly headers: Record<string, string>;

  constructor(
    readonly error: ClientAuthErrorCode,
    readonly description: string,
    opts: { basic?: boolean } = {},
  ) {
    super(error, description);
    this.status = error === "invalid_client" ? 401 : 400;
    this.headers = error === "invalid_client" && opts.basic ? { "WWW-Authenticate": 'Basic realm="portico"' } : {};
  }

  /** The JSON body of the error response. */
  toJSON(): { error: ClientAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
