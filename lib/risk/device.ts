// The device signal's two halves: a random device id in a cookie, signed (HMAC under a key from
// PORTICO_SECRET) so it cannot be forged or guessed, stored only as a SHA-256; and the
// user-agent family ("Chrome on macOS", lib/formats/user-agent.ts), so a copied cookie in another
// browser is still new.
import "server-only";
import crypto from "node:crypto";
import { deriveKey } from "@/lib/config";
import { safeEqual, sha256Hex } from "@/lib/crypto";

function mac(id: string): string {
  return crypto.createHmac("sha256", deriveKey("device-id")).update(id).digest("base64url").slice(0, 22);
}

export function newDeviceCookieValue(): string {
  const id = crypto.randomBytes(16).toString("base64url");
  return `${id}.${mac(id)}`;
}

/** The stored form of a genuine device cookie; null for none, or a forged or mangled one. */
export function deviceHashOf(cookie: string | null | undefined): string | null {
  const m = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/.exec(cookie ?? "");
  if (!m || !safeEqual(mac(m[1]!), m[2]!)) return null;
  return sha256Hex(m[1]!);
}
