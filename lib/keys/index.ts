// The signing keys of Portico's OpenID Provider (OIDC Core §10.1; RFC 7517/7518; RFC 9068):
// creation and published-before-use rotation, the public JWK Set, and signing/verifying our own JWTs.
// Private keys are stored only as encryptAtRest(JSON, "signing-key") and never leave this domain;
// the JWKS is built from a whitelist of public members.
import "server-only";
import { assertPermission, type Actor } from "@/lib/users";
import type { RequestContext } from "@/lib/audit";
import { type PublicSigningJwk } from "./jwk";
import { invalidateKeyRing, isPublished, keyRing, keyStatus, toKeyRow, type KeyRow, type KeyStatus } from "./key-ring";
import { listKeysCreatedBy, listRecentKeys } from "./keys.repo";
import { rotateKeys, type RotatedKey } from "./rotation";

export { SUPPORTED_ALGS, DEFAULT_ALG, isSupportedAlg, type SupportedAlg, type PublicSigningJwk } from "./jwk";
export { ensureSigningKeys, rotateKeys, KEY_ACTIVATION_DELAY, MAX_TOKEN_LIFETIME, JWKS_MAX_AGE_SECONDS, type RotateOptions, type RotatedKey } from "./rotation";
export { signJwt, verifyJwt, type SignOptions, type VerifyOptions, type VerifiedJwt } from "./jwt";
export { KeyError, type KeyErrorCode } from "./keys.errors";
export type { KeyStatus };

/** The JWK Set (RFC 7517 §5) for jwks_uri: every published key, public members + kid, alg, use. */
export async function publicJwks(now: Date = new Date()): Promise<{ keys: PublicSigningJwk[] }> {
  const keys = (await keyRing(now)).filter((k) => isPublished(k, now));
  return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: "sig" as const })) };
}

/**
 * Every key that ever signed (public members only), for what outlives the JWK Set: a consent
 * receipt is evidence for years, while a key leaves jwks_uri once the tokens it signed expire.
 * Keys are never deleted, so any receipt Portico signed verifies against this set by its `kid`.
 */
export async function receiptVerificationJwks(now: Date = new Date()): Promise<{ keys: PublicSigningJwk[] }> {
  const rows = (await listKeysCreatedBy(now)).map(toKeyRow).filter((k): k is KeyRow => k !== null);
  return { keys: rows.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: "sig" as const })) };
}

/** Drop the in-process key cache (after changing keys outside this module, e.g. in tests). */
export function clearSigningKeyCache(): void {
  invalidateKeyRing();
}

export interface SigningKeySummary {
  kid: string;
  alg: string;
  status: KeyStatus;
  createdAt: Date;
  activatesAt: Date;
  retiredAt: Date | null;
  unpublishAt: Date | null;
}

function summary(k: KeyRow, now: Date): SigningKeySummary {
  return { kid: k.kid, alg: k.alg, status: keyStatus(k, now), createdAt: k.createdAt, activatesAt: k.activatesAt, retiredAt: k.retiredAt, unpublishAt: k.unpublishAt };
}

/** Administration: recent keys with their status. Authorised here, not only by the page. */
export async function listSigningKeysForAdmin(actor: Actor, now: Date = new Date()): Promise<SigningKeySummary[]> {
  assertPermission(actor, "keys:read");
  const rows = (await listRecentKeys(50)).map(toKeyRow).filter((r): r is KeyRow => r !== null);
  return rows.map((k) => summary(k, now));
}

/** Administration: rotate every alg now (audited with the administrator as actor). */
export async function rotateKeysAsAdmin(actor: Actor, context?: RequestContext): Promise<RotatedKey[]> {
  assertPermission(actor, "keys:write");
  return rotateKeys({ actor: { type: "admin", id: actor.id }, context });
}
