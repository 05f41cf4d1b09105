// The shape of a client identifier (RFC 6749 Appendix A.1: client-id = *VSCHAR, %x20-7E), within
// the column's 100 characters. Portico issues 22 base64url characters; the seed's "demo-app" shows
// that other printable ids exist. Anything else (a NUL byte, which PostgreSQL refuses in text, a
// control character, non-ASCII, an over-long value) names no client: it is refused before any
// query, and client authentication answers invalid_client (RFC 6749 §5.2), as for an unknown id.
export const CLIENT_ID_MAX_LENGTH = 100;

const VSCHAR_ONLY = /^[\x20-\x7e]+$/;

export function isWellFormedClientId(value: unknown): value is string {
  return typeof value === "string" && value.length <= CLIENT_ID_MAX_LENGTH && VSCHAR_ONLY.test(value);
}
