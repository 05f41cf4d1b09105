// argon2id (RFC 9106), m=19456 KiB, t=2, p=1 (OWASP's minimum for argon2id).
// `algorithm` stays unset: argon2id is the default, and the Algorithm const enum breaks isolatedModules.
import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { processSingleton } from "@/lib/process";
import { normalizePassword } from "./password-policy";
import { parsePasswordHash, STORED_HASH_LIMITS, verifyLegacyHash } from "./legacy-hash";

const PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const OWN_PREFIX = `$argon2id$v=19$m=${PARAMS.memoryCost},t=${PARAMS.timeCost},p=${PARAMS.parallelism}$`;

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), PARAMS);
}

/**
 * Constant-time inside argon2's verify (and timingSafeEqual for imported scrypt and PBKDF2 hashes).
 * A malformed stored hash, or one above the cost ceilings (legacy-hash.ts), counts as a mismatch,
 * never a throw. Portico hashes the NFKC form; a hash imported from another system was made from
 * the password as typed, so that is tried too when the two differ.
 */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  const normalized = normalizePassword(password);
  const candidates = normalized === password ? [password] : [normalized, password];
  try {
    if (storedHash.startsWith(OWN_PREFIX)) return await verify(storedHash, normalized);
    const parsed = parsePasswordHash(storedHash, STORED_HASH_LIMITS);
    if (!parsed.ok) return false;
    for (const candidate of candidates) {
      const ok = parsed.hash.kind === "argon2" ? await verify(storedHash, candidate) : await verifyLegacyHash(storedHash, parsed.hash, candidate);
      if (ok) return true;
    }
    return false;
  } catch {
    return false;
  }
}

// A real hash of a random password: verifying against it costs what a real verification costs,
// so an unknown email takes as long as a wrong password (no enumeration by timing).
const dummy = processSingleton("credentials.dummyHash", () => ({ hash: undefined as Promise<string> | undefined }));
export async function burnVerification(password: string): Promise<false> {
  dummy.hash ??= hashPassword(crypto.randomUUID() + crypto.randomUUID());
  await verifyPassword(await dummy.hash, password);
  return false;
}

/** Anything but Portico's current argon2id (older parameters, an imported bcrypt/scrypt/PBKDF2 hash): rehash at the next sign-in. */
export function needsRehash(storedHash: string): boolean {
  return !storedHash.startsWith(OWN_PREFIX);
}
