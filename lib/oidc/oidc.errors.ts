// OAuth 2 / OIDC errors with their wire codes (RFC 6749 §4.1.2.1, §5.2; OIDC Core §3.1.2.6;
// RFC 6750 §3.1; RFC 8628 §3.5). The route layer turns them into responses.
import { DomainError } from "@/lib/errors";

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "access_denied"
  | "server_error"
  | "login_required"
  | "consent_required"
  | "interaction_required"
  // OpenID Connect Core 1.0 errata set 2 §3.1.2.6: the requested acr cannot be met.
  | "unmet_authentication_requirements"
  | "account_selection_required"
  | "request_not_supported"
  | "request_uri_not_supported"
  | "invalid_token"
  | "insufficient_scope"
  | "authorization_pending"
  | "slow_down"
  | "expired_token"
  // RFC 8707 §2: the resource indicator is invalid, unknown or not allowed for the client.
  | "invalid_target";

export class OAuthError extends DomainError<OAuthErrorCode> {
  override readonly name = "OAuthError";
  constructor(
    /** The wire code (the same as `code`). */
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === "invalid_client" || error === "invalid_token" ? 401 : 400,
  ) {
    super(error, description);
  }
}

/**
 * An authorization request we must NOT redirect back for (unknown client, unregistered
 * redirect_uri: RFC 6749 §4.1.2.1): shown on a Portico error page instead.
 */
export class UnsafeRedirectError extends DomainError<"unsafe_redirect"> {
  override readonly name = "UnsafeRedirectError";
  constructor(readonly reason: string) {
    super("unsafe_redirect", reason);
  }
}
