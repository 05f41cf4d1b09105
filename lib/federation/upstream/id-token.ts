// The ID token's validation (OpenID Connect Core §3.1.3.7): the signature with a key from the
// issuer's JWKS (fetched through the SSRF guard, never by jose's own fetch), the issuer, the
// audience (and azp), the times with a small clock skew, and the nonce sent.
import "server-only";
import crypto from "node:crypto";
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import type { OidcSettings } from "../connection.schema";
import { FederationError } from "../federation.errors";
import { jsonObject, upstreamFetch } from "./upstream-http";

export const CLOCK_SKEW_SECONDS = 60;
const MAX_ID_TOKEN_AGE_SECONDS = 3600;
const JWKS_TTL_MS = 10 * 60_000;
/** Asymmetric algorithms only: an HMAC keyed with the client secret proves nothing the upstream holds alone. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

const jwksCache = new Map<string, { keys: JSONWebKeySet; until: number }>();

async function fetchJwks(jwksUri: string, upstreamName: string): Promise<JSONWebKeySet> {
  const res = await upstreamFetch(jwksUri, { method: "GET", headers: { accept: "application/json, application/jwk-set+json" } }, upstreamName);
  if (res.status !== 200) throw new FederationError("upstream_unreachable", `${upstreamName} could not be reached. Try again in a moment.`);
  const body = jsonObject(res, upstreamName);
  if (!Array.isArray(body.keys)) throw new FederationError("invalid_response", `${upstreamName} gave an answer Portico cannot use.`);
  const keys = { keys: body.keys } as JSONWebKeySet;
  jwksCache.set(jwksUri, { keys, until: Date.now() + JWKS_TTL_MS });
  return keys;
}

/**
 * The issuer an ID token must carry. A multi-tenant connection's template (`{tenantid}`) is filled
 * with the token's own `tid`, which must look like a tenant id (it goes into a comparison only).
 */
export function expectedIdTokenIssuer(settings: Pick<OidcSettings, "issuer" | "issuerTemplate">, claims: { tid?: unknown }): string | null {
  if (!settings.issuerTemplate) return settings.issuer;
  const tid = claims.tid;
  if (typeof tid !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(tid)) return null;
  return settings.issuerTemplate.replaceAll("{tenantid}", tid);
}

export interface IdTokenExpectations {
  settings: Pick<OidcSettings, "issuer" | "issuerTemplate" | "clientId">;
  jwksUri: string;
  /** The nonce sent with the authorization request (Core §3.1.2.1); null when none was. */
  nonce: string | null;
  upstreamName: string;
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** The validated ID token's claims; anything wrong is `invalid_response` (the token is never echoed). */
export async function validateIdToken(idToken: string, expect: IdTokenExpectations): Promise<JWTPayload & { sub: string }> {
  const refuse = (why: string) => new FederationError("invalid_response", `${expect.upstreamName} sent a sign-in Portico cannot accept (${why}).`);
  const verify = (keys: JSONWebKeySet) =>
    jwtVerify(idToken, createLocalJWKSet(keys), {
      audience: expect.settings.clientId,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_SKEW_SECONDS,
      // Fresh from the token endpoint: also refuses an iat in the future (beyond the skew).
      maxTokenAge: MAX_ID_TOKEN_AGE_SECONDS,
      requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
    });

  const cached = jwksCache.get(expect.jwksUri);
  let fresh = !cached || cached.until <= Date.now();
  let payload: JWTPayload;
  try {
    try {
      payload = (await verify(fresh ? await fetchJwks(expect.jwksUri, expect.upstreamName) : cached!.keys)).payload;
    } catch (e) {
      // A key the cached set does not have: the upstream rotated keys; fetch once more (JWKS §4.5 kid).
      if (fresh || !(e instanceof joseErrors.JWKSNoMatchingKey)) throw e;
      fresh = true;
      payload = (await verify(await fetchJwks(expect.jwksUri, expect.upstreamName))).payload;
    }
  } catch (e) {
    if (e instanceof FederationError) throw e;
    if (e instanceof joseErrors.JWTClaimValidationFailed) throw refuse(e.claim === "aud" ? "issued to another application" : `its ${e.claim} claim`);
    if (e instanceof joseErrors.JWTExpired) throw refuse("expired");
    throw refuse("its signature");
  }

  // Core §3.1.3.7 (2): the issuer, the tenant's for a multi-tenant connection.
  const issuer = expectedIdTokenIssuer(expect.settings, payload as { tid?: unknown });
  if (!issuer || payload.iss !== issuer) throw refuse("its issuer");
  // Core §3.1.3.7 (4, 5): several audiences need an azp, and an azp must be us.
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== expect.settings.clientId) throw refuse("issued to another application");
  // Core §3.1.3.7 (11): the nonce sent, exactly.
  if (expect.nonce !== null && (typeof payload.nonce !== "string" || !constantTimeEqual(payload.nonce, expect.nonce))) throw refuse("its nonce");
  if (typeof payload.sub !== "string" || !payload.sub || payload.sub.length > 255) throw refuse("its subject");
  return payload as JWTPayload & { sub: string };
}

/** Tests start from an empty cache. */
export function forgetJwks(): void {
  jwksCache.clear();
}
