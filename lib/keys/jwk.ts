// Key material: generation, the public/private JWK split and import (RFC 7517, RFC 7518 §3.3/§3.4).
// A public JWK is built from a whitelist of members, so no private member (d, p, q, dp, dq, qi, oth)
// can reach the JWKS whatever the stored JSON contains. Private JWKs exist in plaintext only here,
// between generation and encryptAtRest, and between decryptAtRest and import.
import "server-only";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { decryptAtRest, encryptAtRest } from "@/lib/crypto";
import { KeyError } from "./keys.errors";

/** Asymmetric algorithms Portico signs with; ES256 is the default (OIDC Core §15.1 requires RS256 support). */
export const SUPPORTED_ALGS = ["ES256", "RS256"] as const;
export type SupportedAlg = (typeof SUPPORTED_ALGS)[number];
export const DEFAULT_ALG: SupportedAlg = "ES256";

export function isSupportedAlg(alg: unknown): alg is SupportedAlg {
  return typeof alg === "string" && (SUPPORTED_ALGS as readonly string[]).includes(alg);
}

export function assertSupportedAlg(alg: unknown): SupportedAlg {
  if (!isSupportedAlg(alg)) {
    throw new KeyError("keys.unsupported_alg", `Unsupported signing algorithm ${JSON.stringify(alg)}; use one of ${SUPPORTED_ALGS.join(", ")}.`);
  }
  return alg;
}

export type PublicKeyMembers = { kty: "EC"; crv: "P-256"; x: string; y: string } | { kty: "RSA"; n: string; e: string };
/** A member of the published JWK Set: public members plus kid, alg and use. */
export type PublicSigningJwk = PublicKeyMembers & { kid: string; alg: SupportedAlg; use: "sig" };

const PRIVATE_MEMBERS = { EC: ["d"], RSA: ["d", "p", "q", "dp", "dq", "qi"] } as const;
const SEALING_PURPOSE = "signing-key";

const b64url = (v: unknown): v is string => typeof v === "string" && /^[A-Za-z0-9_-]+$/.test(v);

/** The public members of `jwk` for `alg`, and nothing else; throws on anything that is not such a key. */
export function publicMembers(alg: SupportedAlg, jwk: unknown): PublicKeyMembers {
  const j = (jwk ?? {}) as Record<string, unknown>;
  if (alg === "ES256" && j.kty === "EC" && j.crv === "P-256" && b64url(j.x) && b64url(j.y)) {
    return { kty: "EC", crv: "P-256", x: j.x, y: j.y };
  }
  if (alg === "RS256" && j.kty === "RSA" && b64url(j.n) && b64url(j.e)) {
    return { kty: "RSA", n: j.n, e: j.e };
  }
  throw new KeyError("keys.key_unavailable", `Stored public key is not a valid ${alg} key.`);
}

export interface GeneratedKey {
  kid: string;
  alg: SupportedAlg;
  publicJwk: PublicKeyMembers;
  /** encryptAtRest of the private JWK: the only form in which it leaves this module. */
  sealed: string;
}

/** A fresh key pair; kid is the RFC 7638 thumbprint of the public key (43 characters). */
export async function generateSigningKey(alg: SupportedAlg): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, alg === "RS256" ? { extractable: true, modulusLength: 2048 } : { extractable: true });
  const publicJwk = publicMembers(alg, await exportJWK(publicKey));
  const kid = await calculateJwkThumbprint(publicJwk, "sha256");
  const exported = await exportJWK(privateKey);
  const privateJwk: Record<string, unknown> = { ...publicJwk, kid, alg };
  for (const m of PRIVATE_MEMBERS[publicJwk.kty]) privateJwk[m] = exported[m];
  return { kid, alg, publicJwk, sealed: encryptAtRest(JSON.stringify(privateJwk), SEALING_PURPOSE) };
}

/**
 * Decrypts and imports a stored private key as a non-extractable CryptoKey. The sealed JWK must
 * name this kid and carry this row's public members: a ciphertext copied onto another row is refused.
 */
export async function importPrivateKey(row: { kid: string; alg: SupportedAlg; publicJwk: PublicKeyMembers; sealed: string }): Promise<CryptoKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(decryptAtRest(row.sealed, SEALING_PURPOSE)) as JWK;
  } catch (e) {
    throw new KeyError("keys.key_unavailable", `Signing key ${row.kid} could not be decrypted (was PORTICO_SECRET changed?).`, { cause: e });
  }
  const pub = publicMembers(row.alg, jwk);
  const same = Object.entries(row.publicJwk).every(([k, v]) => (pub as Record<string, string>)[k] === v);
  if (jwk.kid !== row.kid || jwk.alg !== row.alg || !same) {
    throw new KeyError("keys.key_unavailable", `Signing key ${row.kid} does not match its stored public key.`);
  }
  const key = await importJWK(jwk, row.alg, { extractable: false });
  if (key instanceof Uint8Array) throw new KeyError("keys.key_unavailable", `Signing key ${row.kid} is not an asymmetric key.`);
  return key;
}

export async function importPublicKey(alg: SupportedAlg, jwk: PublicKeyMembers): Promise<CryptoKey> {
  const key = await importJWK(jwk, alg);
  if (key instanceof Uint8Array) throw new KeyError("keys.key_unavailable", "Not an asymmetric key.");
  return key;
}
