// Signing and verifying Portico's own JWTs: ID tokens (OIDC Core §2, §10.1), JWT access tokens
// (RFC 9068: typ "at+jwt", §2.1), logout tokens. The algorithm is chosen by us, never by the token
// (RFC 8725 §3.1): `none` and HMAC are refused, and a token's alg must be the alg of the key its
// kid names. id_token_hint may be expired (OIDC RP-Initiated Logout 1.0 §2): `allowExpired`.
import "server-only";
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload, type ProtectedHeaderParameters } from "jose";
import { KeyError } from "./keys.errors";
import { assertSupportedAlg, DEFAULT_ALG, isSupportedAlg, SUPPORTED_ALGS, type SupportedAlg } from "./jwk";
import { isActive, isPublished, keyRing, privateKeyFor, publicKeyFor } from "./key-ring";
import { ensureSigningKeys, MAX_TOKEN_LIFETIME } from "./rotation";
import type { Tx } from "./keys.repo";

export interface SignOptions {
  /** Default ES256. Anything outside SUPPORTED_ALGS (e.g. a client's registered "none" or "HS256") is refused. */
  alg?: string;
  /** JOSE header typ: "JWT" (default) for ID tokens, "at+jwt" for access tokens (RFC 9068 §2.1), "logout+jwt". */
  typ?: string;
  now?: Date;
  /** When signing inside an interactive transaction: a cold key ring is then read through it. */
  tx?: Tx;
}

/** Unknown kids reload the ring at most this often, so random kids cannot drive queries. */
const UNKNOWN_KID_RELOAD_MS = 5_000;

/**
 * Signs `payload` as given (the caller sets iss, sub, aud, iat, exp...) with the newest active key
 * for the alg; header `{ alg, kid, typ }`. No database query while the key ring is warm.
 */
export async function signJwt(payload: JWTPayload, opts: SignOptions = {}): Promise<string> {
  const alg = assertSupportedAlg(opts.alg ?? DEFAULT_ALG);
  const now = opts.now ?? new Date();
  if (typeof payload.exp === "number" && payload.exp * 1000 - now.getTime() > MAX_TOKEN_LIFETIME) {
    throw new KeyError("keys.lifetime_too_long", "A token may not outlive MAX_TOKEN_LIFETIME: its key could be unpublished before it expires.");
  }
  let key = (await keyRing(now, { tx: opts.tx })).find((k) => k.alg === alg && isActive(k, now));
  if (!key) {
    await ensureSigningKeys(now, { tx: opts.tx });
    key = (await keyRing(now, { tx: opts.tx, fresh: Boolean(opts.tx) })).find((k) => k.alg === alg && isActive(k, now));
  }
  if (!key) throw new KeyError("keys.no_active_key", `No active ${alg} signing key (a rotation is pending).`);
  return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid, typ: opts.typ ?? "JWT" }).sign(await privateKeyFor(key));
}

export interface VerifyOptions {
  audience?: string | string[];
  issuer?: string | string[];
  /** Required header typ, e.g. "at+jwt" (compared as RFC 8725 §3.11 explicit typing; "application/" prefix ignored). */
  typ?: string;
  /** Restrict further than SUPPORTED_ALGS, e.g. to the alg registered for a client. */
  algorithms?: SupportedAlg[];
  now?: Date;
  /** Seconds of leeway for exp/nbf. Default 0 (our own clock signed it). */
  clockTolerance?: number;
  /** Accept a token whose only fault is `exp` in the past (id_token_hint); the result says `expired`. */
  allowExpired?: boolean;
  /** When verifying inside an interactive transaction: key lookups then read through it. */
  tx?: Tx;
}

export interface VerifiedJwt {
  payload: JWTPayload;
  header: ProtectedHeaderParameters;
  kid: string;
  alg: SupportedAlg;
  expired: boolean;
}

/** Verifies a JWT signed by one of Portico's published keys; throws KeyError otherwise. */
export async function verifyJwt(token: string, opts: VerifyOptions = {}): Promise<VerifiedJwt> {
  const now = opts.now ?? new Date();
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (e) {
    throw new KeyError("keys.invalid_token", "Malformed JWT.", { cause: e });
  }
  const accepted: readonly string[] = (opts.algorithms ?? SUPPORTED_ALGS).filter(isSupportedAlg);
  if (typeof header.alg !== "string" || !accepted.includes(header.alg)) {
    throw new KeyError("keys.invalid_token", `JWT alg ${JSON.stringify(header.alg)} is not accepted.`);
  }
  const kid = header.kid;
  if (typeof kid !== "string" || kid.length === 0 || kid.length > 64) throw new KeyError("keys.invalid_token", "JWT has no usable kid.");

  const find = async (maxAgeMs?: number) => (await keyRing(now, { maxAgeMs, tx: opts.tx })).find((k) => k.kid === kid && isPublished(k, now));
  const key = (await find()) ?? (await find(UNKNOWN_KID_RELOAD_MS));
  if (!key) throw new KeyError("keys.unknown_key", "JWT is signed by a key that is not published.");
  if (key.alg !== header.alg) throw new KeyError("keys.invalid_token", "JWT alg does not match its key.");

  const options = { algorithms: [key.alg], audience: opts.audience, issuer: opts.issuer, typ: opts.typ, currentDate: now, clockTolerance: opts.clockTolerance ?? 0 };
  try {
    const { payload, protectedHeader } = await jwtVerify(token, await publicKeyFor(key), options);
    return { payload, header: protectedHeader, kid, alg: key.alg, expired: false };
  } catch (e) {
    // jose checks the signature, then typ, iss, aud, nbf and only then exp: a JWTExpired on "exp"
    // means everything else held.
    if (e instanceof errors.JWTExpired && e.claim === "exp") {
      if (opts.allowExpired) return { payload: e.payload, header, kid, alg: key.alg, expired: true };
      throw new KeyError("keys.token_expired", "JWT has expired.", { cause: e });
    }
    if (e instanceof errors.JOSEError) throw new KeyError("keys.invalid_token", `JWT rejected: ${e.message}`, { cause: e });
    throw e;
  }
}
