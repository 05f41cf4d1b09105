// PKCE (RFC 7636). Only S256 is accepted: "plain" offers no protection when the challenge leaks.
import crypto from "node:crypto";
import { safeEqual } from "@/lib/crypto";
import { BASE64URL_256_BITS } from "@/lib/formats";

/** RFC 7636 §4.1: 43-128 characters of [A-Z a-z 0-9 - . _ ~]. */
export const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** A S256 challenge is base64url(SHA-256) without padding: exactly 43 characters. */
export const S256_CHALLENGE = BASE64URL_256_BITS;

export function s256(verifier: string): string {
  return crypto.createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** RFC 7636 §4.6: the server recomputes the challenge from the verifier and compares. */
export function verifyPkce(verifier: string | undefined, challenge: string, method: string): boolean {
  if (method !== "S256" || !verifier || !CODE_VERIFIER.test(verifier)) return false;
  return safeEqual(s256(verifier), challenge);
}
