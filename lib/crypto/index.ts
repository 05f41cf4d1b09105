// Small cryptographic helpers shared by the domains: random tokens, hashes of high-entropy secrets,
// constant-time comparison, and authenticated encryption of secrets at rest.
import crypto from "node:crypto";
import { deriveKey } from "@/lib/config";

/** `bytes` random bytes, base64url (32 bytes = 256 bits = 43 characters). */
export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString("base64url");
}

/** SHA-256 hex: enough for secrets that are themselves 256 random bits (tokens, client secrets). */
export function sha256Hex(value: string): string {
  return crypto.createHash("sha256").update(value).digest("hex");
}

/** Constant-time string comparison (lengths compared via fixed-size digests, leaking nothing). */
export function safeEqual(a: string, b: string): boolean {
  const da = crypto.createHash("sha256").update(a).digest();
  const db = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(da, db) && a.length === b.length;
}

const VERSION = "v1";
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a key derived from PORTICO_SECRET for `purpose`; the purpose is also bound as
 * associated data, so a ciphertext moved to another column does not decrypt.
 * Format: v1.<iv>.<tag>.<ciphertext>, each base64url.
 */
export function encryptAtRest(plaintext: string, purpose: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", deriveKey(`at-rest:${purpose}`), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export function decryptAtRest(sealed: string, purpose: string): string {
  const [version, iv, tag, ct] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || ct === undefined) throw new Error("unrecognised ciphertext format");
  // Node accepts GCM tags down to 4 bytes unless told the length; a short tag is forgeable by trial
  // (NIST SP 800-38D §5.2.1.2, Appendix C): only the full 16 bytes we write are accepted.
  const authTag = Buffer.from(tag, "base64url");
  if (authTag.length !== TAG_BYTES) throw new Error("unrecognised ciphertext format");
  const decipher = crypto.createDecipheriv("aes-256-gcm", deriveKey(`at-rest:${purpose}`), Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(authTag);
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}
export { certificatePem, selfSignedCertificate, type KeyAndCertificate } from "./self-signed-certificate";
