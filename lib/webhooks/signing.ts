// Standard Webhooks signatures (the specification's "Signature scheme"): the secret is
// `whsec_` + base64 of the key; a signature is `v1,` + base64 HMAC-SHA256 over
// "<webhook-id>.<webhook-timestamp>.<body>" with that key; several signatures are sent
// space-separated (the spec's way to carry the old and the new key during a rotation).
import crypto from "node:crypto";

export const SECRET_PREFIX = "whsec_";
/** The spec recommends 24 to 64 bytes of key; Portico generates 32. */
const KEY_BYTES = 32;

/** A new secret: `whsec_<base64 of 32 random bytes>`. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(KEY_BYTES).toString("base64");
}

/**
 * The secret of a key given as text (RISK_ALERT_WEBHOOK_SECRET): its UTF-8 bytes are the HMAC key,
 * exactly the key the risk alert was signed with before it became a subscription.
 */
export function secretFromTextKey(text: string): string {
  return SECRET_PREFIX + Buffer.from(text, "utf8").toString("base64");
}

/** The HMAC key of a `whsec_` secret: the base64 after the prefix, decoded. */
export function signingKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("not a whsec_ secret");
  return Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
}

/** One `v1,<base64>` signature. */
export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${crypto.createHmac("sha256", signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The webhook-signature header: the current secret's signature, then those of still-valid previous ones. */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => signatureOf(s, id, timestamp, body)).join(" ");
}
