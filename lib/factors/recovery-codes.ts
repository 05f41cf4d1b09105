// Recovery codes: ten single-use codes, shown once. Each has ~49 bits (10 characters from a
// 31-letter alphabet without look-alikes), stored as HMAC-SHA256 under a key derived from
// PORTICO_SECRET, so a copy of the table alone cannot be brute-forced offline.
import "server-only";
import crypto from "node:crypto";
import { deriveKey } from "@/lib/config";

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const LENGTH = 10;

/** "abcde-fghjk": grouped for reading aloud and typing. */
export function newRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** What the user typed, reduced to the code's own characters (case, spaces and hyphens ignored). */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, "");
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

export function recoveryCodeHash(code: string): string {
  const normalised = normaliseRecoveryCode(code);
  if (!normalised) throw new Error("not a recovery code");
  return crypto.createHmac("sha256", deriveKey("recovery-codes")).update(normalised).digest("hex");
}
