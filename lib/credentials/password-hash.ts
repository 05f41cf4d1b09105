// argon2id (RFC 9106), m=19456 KiB, t=2, p=1 (OWASP's minimum for argon2id).
// `algorithm` stays unset: argon2id is the default, and the Algorithm const enum breaks isolatedModules.
import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { processSingleton } from "@/lib/process";
import { normalizePassword } from "./password-policy";

const PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), PARAMS);
}

/** Constant-time inside argon2's verify. A malformed stored hash counts as a mismatch, never a throw. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, normalizePassword(password));
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

export function needsRehash(storedHash: string): boolean {
  return !storedHash.startsWith(`$argon2id$v=19$m=${PARAMS.memoryCost},t=${PARAMS.timeCost},p=${PARAMS.parallelism}$`);
}
