// Protected-resource side of Portico's own tokens: UserInfo (OIDC Core §5.3), introspection
// (RFC 7662) and revocation (RFC 7009).
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { decodeJwt } from "jose";
import { safeEqual, sha256Hex } from "@/lib/crypto";
import { verifyJwt } from "@/lib/keys";
import { enabledClientClaimMappings, enabledClientReleases, entitlementClaims, entitlementsFor, findClientByClientId, isAdminApiScope } from "@/lib/applications";
import { claimsForScopes, getClaimSource, mappedClaims } from "@/lib/profile";
import { OAuthError } from "./oidc.errors";
import { parseScope } from "./scopes.schema";
import { issuer } from "./issuer";
import {
  findAccessTokenRecord,
  findRefreshTokenWithGrant,
  insertRevokedAccessToken,
  isAccessTokenRevoked,
  revokeAccessTokenRecord,
  revokeGrantById,
} from "./oidc.repo";
import { CLIENT_CREDENTIALS_GTY } from "./tokens";
import { isWellFormedJti, isWellFormedToken } from "./token-format";
import type { ApplicationDto } from "@/lib/applications";

interface AccessTokenClaims {
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
  exp: number;
  iat: number;
  auth_time?: number;
  gty?: string;
  aud?: string | string[];
}

/**
 * Signature, issuer, audience, typ and expiry of an access token of ours (RFC 9068 §4); null when
 * any fails. `anyAudience`: introspection and revocation answer for tokens Portico issued to the
 * caller whatever resource they are for (RFC 8707); UserInfo takes only tokens for Portico itself.
 */
async function verifiedAccessToken(token: string, anyAudience = false): Promise<AccessTokenClaims | null> {
  try {
    return (await verifyJwt(token, { issuer: issuer(), audience: anyAudience ? undefined : issuer(), typ: "at+jwt" })).payload as unknown as AccessTokenClaims;
  } catch {
    return null;
  }
}

/** The payload, unverified: only its jti and sub may be used, to look things up, until the token is proven ours. */
function unverifiedClaims(token: string): AccessTokenClaims | null {
  if (!isWellFormedToken(token) || token.split(".").length !== 3) return null;
  try {
    const claims = decodeJwt(token) as unknown as AccessTokenClaims;
    // The jti is looked up before the token is proven ours: it must not carry what PostgreSQL refuses.
    const wellFormed = isWellFormedJti(claims.jti) && typeof claims.sub === "string" && typeof claims.client_id === "string";
    return wellFormed ? claims : null;
  } catch {
    return null;
  }
}

/**
 * The claims of an access token of ours that is still alive, or null. Two ways to prove it ours:
 * - a recorded token (code flow, refresh, device grant): the record holds the SHA-256 of the exact
 *   token, so a match proves it as well as the signature would (one hash instead of an ECDSA
 *   verification); the record also says whether it, or its grant, was revoked (code replay,
 *   logout, refresh-token reuse);
 * - a self-contained client_credentials token (and records older than the hash): the signature,
 *   then the revocation list.
 */
async function activeAccessToken(token: string, claims = unverifiedClaims(token), anyAudience = false): Promise<AccessTokenClaims | null> {
  if (!claims) return null;
  if (claims.gty === CLIENT_CREDENTIALS_GTY) {
    const verified = await verifiedAccessToken(token, anyAudience);
    return verified && verified.gty === CLIENT_CREDENTIALS_GTY && !(await isAccessTokenRevoked(verified.jti)) ? verified : null;
  }
  const record = await findAccessTokenRecord(claims.jti);
  if (!record || record.revokedAt || record.grantRevokedAt || record.expiresAt <= new Date()) return null;
  if (record.tokenHash) return safeEqual(sha256Hex(token), record.tokenHash) ? claims : null;
  const verified = await verifiedAccessToken(token);
  return verified && verified.jti === record.jti ? verified : null;
}

/** RFC 6750 §2.1/§2.2: the bearer token from the Authorization header, or the form body (POST). */
export function bearerToken(authorization: string | null, body?: Record<string, string | undefined>): string | null {
  const header = authorization?.match(/^Bearer\s+([A-Za-z0-9\-._~+/]+=*)$/i)?.[1] ?? null;
  const fromBody = body?.access_token ?? null;
  if (header && fromBody) throw new OAuthError("invalid_request", "use one method to send the access token");
  return header ?? fromBody;
}

/**
 * OIDC Core §5.3: the claims the token's scopes release. `requiredScopes` are the ones the route
 * declares (lib/http/endpoints/bearer.ts); missing one is insufficient_scope (RFC 6750 §3.1).
 */
export async function userInfo(token: string | null, requiredScopes: readonly string[] = ["openid"]): Promise<Record<string, unknown>> {
  if (!token) throw new OAuthError("invalid_request", "an access token is required", 401);
  if (!isWellFormedToken(token)) throw new OAuthError("invalid_token", "the access token is invalid, expired or revoked");
  const unverified = unverifiedClaims(token);
  // The reads at once (on PostgreSQL, pooled connections); user and client count only if the token is ours.
  const [claims, user, releases] = await Promise.all([
    activeAccessToken(token, unverified),
    unverified ? getClaimSource(unverified.sub) : null,
    unverified ? enabledClientReleases(unverified.client_id) : null,
  ]);
  if (!claims) throw new OAuthError("invalid_token", "the access token is invalid, expired or revoked");
  // A disabled or deleted application's tokens stop working here at once, not at their expiry.
  if (!releases) throw new OAuthError("invalid_token", "the application that holds this token is disabled");
  const scopes = parseScope(claims.scope);
  const missing = requiredScopes.find((scope) => !scopes.includes(scope));
  if (missing) throw new OAuthError("insufficient_scope", `the ${missing} scope is required`, 403);
  if (!user) throw new OAuthError("invalid_token", "the user is no longer active");
  // The application's roles and groups, as now (one more query, only for an application that releases them).
  const entitlements = releases.rolesClaim || releases.groupsClaim ? await entitlementsFor(releases.id, user.id) : null;
  // The application's mapped custom attributes (its cached client row: no extra query), then the standard claims over them.
  return { ...mappedClaims(user, scopes, releases.claimMappings, "userinfo"), ...entitlementClaims(releases, entitlements), ...claimsForScopes(user, scopes) };
}

/** Who a bearer token of ours speaks for: the user (its subject) and the application that holds it. */
export interface BearerPrincipal {
  userId: string;
  clientId: string;
  scopes: string[];
}

/**
 * RFC 6750 for Portico's own APIs: a live access token of ours, for Portico itself, issued for a
 * user (not client_credentials: the API acts for the token's subject), held by an enabled
 * application, with every scope the route requires (insufficient_scope, 403, otherwise).
 */
export async function authenticateBearer(token: string | null, requiredScopes: readonly string[]): Promise<BearerPrincipal> {
  if (!token) throw new OAuthError("invalid_request", "an access token is required", 401);
  if (!isWellFormedToken(token)) throw new OAuthError("invalid_token", "the access token is invalid, expired or revoked");
  const claims = await activeAccessToken(token);
  if (!claims || claims.gty === CLIENT_CREDENTIALS_GTY) throw new OAuthError("invalid_token", "the access token is invalid, expired or revoked");
  // Null for a disabled or deleted application (its cached row: no extra query).
  if (!(await enabledClientClaimMappings(claims.client_id))) throw new OAuthError("invalid_token", "the application that holds this token is disabled");
  const scopes = parseScope(claims.scope);
  const missing = requiredScopes.find((scope) => !scopes.includes(scope));
  if (missing) throw new OAuthError("insufficient_scope", `the ${missing} scope is required`, 403);
  return { userId: claims.sub, clientId: claims.client_id, scopes };
}

/** An application calling Portico's admin API on its own behalf (no user). */
export interface ClientPrincipal {
  clientId: string;
  /** The token's scopes that the application is still allowed now. */
  scopes: string[];
}

/**
 * RFC 6750 for Portico's admin API: a live client_credentials access token (RFC 6749 §4.4) for
 * Portico itself, held by an enabled application, with every required scope, each of which the
 * application must still be allowed now (an administrator's withdrawal counts at once, not at the
 * token's expiry): insufficient_scope (403) otherwise.
 */
export async function authenticateClientBearer(token: string | null, requiredScopes: readonly string[]): Promise<ClientPrincipal> {
  if (!token) throw new OAuthError("invalid_request", "an access token is required", 401);
  if (!isWellFormedToken(token)) throw new OAuthError("invalid_token", "the access token is invalid, expired or revoked");
  const claims = await activeAccessToken(token);
  if (!claims || claims.gty !== CLIENT_CREDENTIALS_GTY) throw new OAuthError("invalid_token", "the access token is invalid, expired or revoked");
  const client = await findClientByClientId(claims.client_id);
  if (!client || client.disabled) throw new OAuthError("invalid_token", "the application that holds this token is disabled");
  // Admin API scopes count only as an administrator allowed them (adminScopes), never from allowedScopes.
  const scopes = parseScope(claims.scope).filter((s) => client.adminScopes.includes(s) || (client.allowedScopes.includes(s) && !isAdminApiScope(s)));
  const missing = requiredScopes.find((scope) => !scopes.includes(scope));
  if (missing) throw new OAuthError("insufficient_scope", `the ${missing} scope is required`, 403);
  return { clientId: client.clientId, scopes };
}

/** RFC 7662 §2.2. Tokens of other clients are reported inactive: a client learns only about its own. */
export async function introspect(client: ApplicationDto, token: string | undefined, hint: string | undefined): Promise<Record<string, unknown>> {
  if (client.type !== "confidential") throw new OAuthError("invalid_client", "introspection requires a confidential client");
  if (!token) throw new OAuthError("invalid_request", "token is required");
  if (!isWellFormedToken(token)) return { active: false }; // RFC 7662 §2.2: not a token of ours
  const tryAccess = async () => {
    const c = await activeAccessToken(token, undefined, true);
    if (!c || c.client_id !== client.clientId) return null;
    return { active: true, token_type: "Bearer", scope: c.scope, client_id: c.client_id, sub: c.sub, exp: c.exp, iat: c.iat, iss: issuer(), aud: c.aud ?? issuer(), jti: c.jti };
  };
  const tryRefresh = async () => {
    const found = await findRefreshTokenWithGrant(sha256Hex(token));
    if (!found || found.grant.clientId !== client.clientId) return null;
    const { token: rt, grant } = found;
    if (rt.usedAt || grant.revokedAt || rt.expiresAt <= new Date()) return null;
    return {
      active: true,
      token_type: "refresh_token",
      scope: grant.scope,
      client_id: grant.clientId,
      ...(grant.userId ? { sub: grant.userId } : {}),
      exp: Math.floor(rt.expiresAt.getTime() / 1000),
      iat: Math.floor(rt.createdAt.getTime() / 1000),
      iss: issuer(),
    };
  };
  const order = hint === "refresh_token" ? [tryRefresh, tryAccess] : [tryAccess, tryRefresh];
  for (const attempt of order) {
    const result = await attempt();
    if (result) return result;
  }
  return { active: false };
}

/** RFC 7009 §2.1-2.2: always succeeds for the caller; revoking a refresh token ends its whole grant. */
export async function revoke(client: ApplicationDto, token: string | undefined, hint: string | undefined, ctx: RequestContext): Promise<void> {
  if (!token) throw new OAuthError("invalid_request", "token is required");
  if (!isWellFormedToken(token)) return; // RFC 7009 §2.2: an invalid token is no error
  void hint; // RFC 7009 §2.1: the hint only speeds up the lookup; both types are checked, unknown hints ignored
  const refresh = await findRefreshTokenWithGrant(sha256Hex(token));
  if (refresh && refresh.grant.clientId === client.clientId) {
    if (await revokeGrantById(refresh.grant.id, "revoked_by_client")) {
      await recordAudit({ actor: { type: "system", id: client.clientId }, action: "oauth.token_revoked", target: { type: "grant", id: refresh.grant.id }, result: "success", context: ctx, details: { tokenType: "refresh_token" } });
    }
    return;
  }
  const access = await activeAccessToken(token, undefined, true);
  if (access && access.client_id === client.clientId) {
    if (access.gty === CLIENT_CREDENTIALS_GTY) {
      await insertRevokedAccessToken({ jti: access.jti, clientId: access.client_id, expiresAt: new Date(access.exp * 1000) });
    } else {
      await revokeAccessTokenRecord(access.jti);
    }
    await recordAudit({ actor: { type: "system", id: client.clientId }, action: "oauth.token_revoked", target: { type: "access_token", id: access.jti }, result: "success", context: ctx, details: { tokenType: "access_token" } });
  }
}
