// Six-digit one-time codes sent by email or text message for the second step: random (not derived
// from time), valid 10 minutes, stored as HMAC-SHA256 under a key derived from PORTICO_SECRET (a
// 6-digit hash alone would be reversed instantly), compared in constant time.
import "server-only";
import crypto from "node:crypto";
import { deriveKey } from "@/lib/config";
import { safeEqual } from "@/lib/crypto";

export const ONE_TIME_CODE_MINUTES = 10;
/** A new code may be sent this long after the previous one. */
export const RESEND_AFTER_SECONDS = 30;

export function newOneTimeCode(): string {
  return crypto.randomInt(0, 1_000_000).toString().padStart(6, "0");
}

export function oneTimeCodeHash(code: string, bindTo: string): string {
  // Bound to the pending sign-in, so a code is worthless anywhere else.
  return crypto.createHmac("sha256", deriveKey("one-time-codes")).update(`${bindTo}\u0000${code}`).digest("hex");
}

export function oneTimeCodeMatches(input: string, bindTo: string, storedHash: string): boolean {
  const code = input.replace(/\s/g, "");
  return /^\d{6}$/.test(code) && safeEqual(oneTimeCodeHash(code, bindTo), storedHash);
}
