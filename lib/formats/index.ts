// The shapes of the identifiers and random tokens Portico hands out, and of client addresses, in one
// place. Every id and token a request carries is checked against its shape before it reaches a
// query: PostgreSQL answers a malformed uuid or a NUL byte with an error, and to a caller a
// malformed id is simply "not found". No server-only and nothing of ours but its own files (the
// user-agent parser, user-agent.ts; HTML escaping, html.ts): every layer and the browser may use it.

/** A UUID in its text form (RFC 9562 §4): the primary keys the database generates. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/**
 * 256 bits in unpadded base64url (RFC 4648 §5), 43 characters: lib/crypto randomToken()'s default
 * output (session, reset, trusted-device and interaction-binding tokens) and a SHA-256 digest
 * (the PKCE S256 code challenge, RFC 7636 §4.2).
 */
export const BASE64URL_256_BITS = /^[A-Za-z0-9_-]{43}$/;

/** A token made by lib/crypto randomToken() with its default 32 bytes. */
export function isRandomToken(value: unknown): value is string {
  return typeof value === "string" && BASE64URL_256_BITS.test(value);
}

/** lib/crypto randomToken() output of 12 to 48 bytes: interaction ids (24 bytes) and jtis (18 bytes). */
const BASE64URL_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** An interaction id (an authorization request waiting for sign-in or consent), as authorize issues them. */
export function isWellFormedInteractionId(value: unknown): value is string {
  return typeof value === "string" && BASE64URL_ID.test(value);
}

/** "::ffff:81.45.3.1" (an IPv4 client on a dual-stack socket) is 81.45.3.1. */
export function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

export { describeUserAgent, userAgentFamily, type UserAgentDescription } from "./user-agent";
export { escapeHtml } from "./html";

/**
 * A JSON/JSONB column's value as drivers return it: parsed by node-postgres, text from the embedded
 * database's raw queries. Undefined for text that is not JSON (the caller's schema then refuses it).
 */
export function jsonColumn(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** A date as its UTC calendar day, YYYY-MM-DD (ISO 8601): how pages print a day without a time. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
