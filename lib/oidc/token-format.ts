// The shapes of the tokens and identifiers that the protocol endpoints receive, checked before any
// of them is used in a query. RFC 6749 Appendix A (A.11-A.17): codes, access and refresh tokens are
// VSCHAR strings (%x20-7E); Portico's own are base64url (lib/crypto randomToken) or JWTs of
// base64url parts. Anything else (a NUL byte, which PostgreSQL refuses in text, a control character,
// non-ASCII, an over-long value) is no token of ours: introspection reports it inactive (RFC 7662
// §2.2), revocation ignores it (RFC 7009 §2.2), UserInfo answers invalid_token (RFC 6750 §3.1).
import "server-only";

/** Far above any token Portico issues (an access token JWT is under 1 KiB). */
export const MAX_TOKEN_LENGTH = 4096;

const VSCHAR_ONLY = /^[\x20-\x7e]+$/;

export function isWellFormedToken(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_TOKEN_LENGTH && VSCHAR_ONLY.test(value);
}

/** A `jti` of a token of ours, read from an unverified JWT before it is looked up. */
export function isWellFormedJti(value: unknown): value is string {
  return typeof value === "string" && value.length <= 64 && VSCHAR_ONLY.test(value);
}
