// Typed signing-key errors with stable codes (docs/architecture.md, "A request": domain errors). The OIDC layer maps them:
// verification failures become `invalid_token` (RFC 6750 §3.1), signing failures a 500/server_error.
import { DomainError } from "@/lib/errors";

export type KeyErrorCode =
  /** `none`, HS*, or any alg outside SUPPORTED_ALGS (RFC 8725 §3.1: never let the token pick). */
  | "keys.unsupported_alg"
  /** No key is active for the alg (a rotation is pending, or keys were never created). */
  | "keys.no_active_key"
  /** A stored private key does not decrypt or does not match its row (PORTICO_SECRET changed?). */
  | "keys.key_unavailable"
  /** The caller asked for a token that would outlive the key's publication window. */
  | "keys.lifetime_too_long"
  /** verifyJwt: the `kid` is not among the published keys (unknown, or unpublished). */
  | "keys.unknown_key"
  /** verifyJwt: malformed, bad signature, wrong alg/typ/iss/aud, not yet valid. */
  | "keys.invalid_token"
  /** verifyJwt: valid except that `exp` has passed. */
  | "keys.token_expired";

export class KeyError extends DomainError<KeyErrorCode> {
  override readonly name = "KeyError";
  constructor(code: KeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}
