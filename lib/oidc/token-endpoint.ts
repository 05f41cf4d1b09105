// Token endpoint grants (RFC 6749 §4.1.3, §4.4, §6; RFC 7636 §4.6; RFC 8628 §3.4).
// The caller has already authenticated the client (lib/applications); this decides what to issue.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { getClaimSource } from "@/lib/profile";
import { assessTokenRefresh } from "@/lib/risk";
import { sha256Hex } from "@/lib/crypto";
import { OAuthError } from "./oidc.errors";
import { verifyPkce } from "./pkce";
import { isKnownScope, parseScope } from "./scopes.schema";
import { entitlementsOfUser, issueClientCredentialsToken, issueTokens, lacksRequiredRole, mayIssueRefreshToken, mintTokens } from "./tokens";
import {
  findCodeWithGrant,
  findRefreshTokenWithGrant,
  redeemCodeForTokens,
  markRefreshTokenUsed,
  revokeGrantById,
  withTransaction,
} from "./oidc.repo";
import { exchangeDeviceCode } from "./device";
import { DEVICE_CODE_GRANT, isAdminApiScope, type ApplicationDto, type GrantType } from "@/lib/applications";
import type { TokenResponse } from "./types";

export { DEVICE_CODE_GRANT };

export type TokenRequestBody = Record<string, string | undefined>;

const SUPPORTED_GRANT_TYPES: readonly string[] = ["authorization_code", "refresh_token", "client_credentials", DEVICE_CODE_GRANT] satisfies GrantType[];

function isSupportedGrantType(grantType: string): grantType is GrantType {
  return SUPPORTED_GRANT_TYPES.includes(grantType);
}

export async function handleTokenRequest(client: ApplicationDto, body: TokenRequestBody, ctx: RequestContext): Promise<TokenResponse> {
  const grantType = body.grant_type;
  if (!grantType) throw new OAuthError("invalid_request", "grant_type is required");
  if (!isSupportedGrantType(grantType)) {
    throw new OAuthError("unsupported_grant_type", `grant_type ${grantType} is not supported`);
  }
  if (!client.grantTypes.includes(grantType)) {
    throw new OAuthError("unauthorized_client", `this client may not use the ${grantType} grant`);
  }
  switch (grantType) {
    case "authorization_code":
      return exchangeAuthorizationCode(client, body, ctx);
    case "refresh_token":
      return exchangeRefreshToken(client, body, ctx);
    case "client_credentials":
      return clientCredentials(client, body, ctx);
    default:
      return exchangeDeviceCode(client, body, ctx);
  }
}

async function exchangeAuthorizationCode(client: ApplicationDto, body: TokenRequestBody, ctx: RequestContext): Promise<TokenResponse> {
  if (!body.code) throw new OAuthError("invalid_request", "code is required");
  const now = new Date();
  const codeHash = sha256Hex(body.code);
  const found = await findCodeWithGrant(codeHash);
  if (!found || found.code.clientId !== client.clientId) throw new OAuthError("invalid_grant", "the authorization code is invalid");
  const { code, grant } = found;
  if (code.usedAt) {
    // RFC 6749 §4.1.2: a replayed code revokes every token issued from it.
    await revokeGrantById(grant.id, "code_replay");
    await recordAudit({ actor: { type: "system" }, action: "oauth.code_replayed", target: { type: "grant", id: grant.id }, result: "failure", context: ctx, details: { clientId: client.clientId } });
    throw new OAuthError("invalid_grant", "the authorization code was already used");
  }
  if (code.expiresAt <= now || grant.revokedAt) throw new OAuthError("invalid_grant", "the authorization code has expired");
  // RFC 6749 §4.1.3: redirect_uri must be identical to the one in the authorization request.
  if (body.redirect_uri !== code.redirectUri) throw new OAuthError("invalid_grant", "redirect_uri does not match the authorization request");
  if (code.codeChallenge) {
    if (!verifyPkce(body.code_verifier, code.codeChallenge, code.codeChallengeMethod ?? "S256")) {
      throw new OAuthError("invalid_grant", "PKCE verification failed");
    }
  } else if (body.code_verifier) {
    throw new OAuthError("invalid_grant", "code_verifier given but the authorization request had no code_challenge");
  }
  const [user, entitlements] = await Promise.all([grant.userId ? getClaimSource(grant.userId) : null, entitlementsOfUser(client, grant.userId)]);
  if (!user) throw new OAuthError("invalid_grant", "the user is no longer active");
  // requireRole again: a role taken back while the code was waiting gets no tokens.
  if (grant.userId && lacksRequiredRole(client, entitlements)) {
    await recordAudit({ actor: { type: "user", id: grant.userId }, action: "oauth.role_required", target: { type: "client", id: client.clientId }, result: "failure", context: ctx, details: { grant: "authorization_code", grantId: grant.id } });
    throw new OAuthError("invalid_grant", "the user holds no role of this application");
  }
  const scopes = parseScope(grant.scope);
  const { response, records } = await mintTokens({
    client,
    grant,
    scopes,
    nonce: code.nonce,
    user,
    entitlements,
    withIdToken: scopes.includes("openid"),
    withRefreshToken: mayIssueRefreshToken(client, scopes),
    now,
  });
  const audit = { actor: { type: "user", id: grant.userId! }, action: "oauth.tokens_issued", target: { type: "client", id: client.clientId }, result: "success", context: ctx, details: { grant: "authorization_code", grantId: grant.id, scope: grant.scope } } as const;
  // Minted tokens are worthless unless stored: a lost race leaves them unrecorded and unreturned.
  if (!(await redeemCodeForTokens(codeHash, records, audit, now))) throw new OAuthError("invalid_grant", "the authorization code was already used");
  return response;
}

async function exchangeRefreshToken(client: ApplicationDto, body: TokenRequestBody, ctx: RequestContext): Promise<TokenResponse> {
  if (!body.refresh_token) throw new OAuthError("invalid_request", "refresh_token is required");
  const now = new Date();
  const tokenHash = sha256Hex(body.refresh_token);
  const found = await findRefreshTokenWithGrant(tokenHash);
  if (!found || found.grant.clientId !== client.clientId) throw new OAuthError("invalid_grant", "the refresh token is invalid");
  const { token, grant } = found;
  if (token.usedAt) {
    // Rotation with reuse detection (OAuth 2.0 Security BCP §4.14.2): an old token coming back means
    // it was stolen or replayed; revoke the whole grant so neither party keeps access.
    await revokeGrantById(grant.id, "refresh_token_reuse");
    await recordAudit({ actor: { type: "system" }, action: "oauth.refresh_token_reused", target: { type: "grant", id: grant.id }, result: "failure", context: ctx, details: { clientId: client.clientId } });
    throw new OAuthError("invalid_grant", "the refresh token was already used");
  }
  if (token.expiresAt <= now || grant.revokedAt) throw new OAuthError("invalid_grant", "the refresh token has expired or was revoked");
  const granted = parseScope(grant.scope);
  let scopes = granted;
  if (body.scope) {
    scopes = parseScope(body.scope);
    // RFC 6749 §6: a refresh may narrow the scope, never widen it.
    if (scopes.some((s) => !granted.includes(s))) throw new OAuthError("invalid_scope", "the requested scope exceeds the original grant");
  }
  const [user, entitlements] = await Promise.all([grant.userId ? getClaimSource(grant.userId) : null, entitlementsOfUser(client, grant.userId)]);
  if (grant.userId && !user) throw new OAuthError("invalid_grant", "the user is no longer active");
  if (grant.userId && lacksRequiredRole(client, entitlements)) {
    // requireRole: a user who lost every role of the application is sent to sign in again (where
    // authorize refuses them). The refresh token stays unused: a role given back makes it work again.
    await recordAudit({ actor: { type: "user", id: grant.userId }, action: "oauth.role_required", target: { type: "client", id: client.clientId }, result: "failure", context: ctx, details: { grant: "refresh_token", grantId: grant.id } });
    throw new OAuthError("invalid_grant", "the user holds no role of this application");
  }
  if (grant.userId) {
    // High-value scopes go through the risk engine (lib/risk): nobody is there to answer a second
    // factor, so a risky refresh is refused and the application sends the user to sign in again.
    // The refresh token stays unused: once the risk is gone it works again.
    const risk = await assessTokenRefresh({ userId: grant.userId, clientId: client.clientId, publicClient: client.type !== "confidential", scopes, ctx, now });
    if (risk && risk.action !== "allow") throw new OAuthError("invalid_grant", "the user must sign in again");
  }
  return withTransaction(async (tx) => {
    if (!(await markRefreshTokenUsed(tokenHash, now, tx))) throw new OAuthError("invalid_grant", "the refresh token was already used");
    const tokens = await issueTokens({ client, grant, scopes, user, entitlements, withIdToken: scopes.includes("openid"), withRefreshToken: true, now, tx });
    await recordAudit({ actor: { type: "user", id: grant.userId ?? client.clientId }, action: "oauth.tokens_refreshed", target: { type: "client", id: client.clientId }, result: "success", context: ctx, details: { grantId: grant.id } }, tx);
    return tokens;
  });
}

/**
 * RFC 6749 §4.4 with the client's registered limits: every requested scope must be on its allowed
 * list (else invalid_scope, §5.2: refused, never silently narrowed); no scope requested gives the
 * whole list (§3.3: the pre-defined default). RFC 8707 §2: a `resource` must be one the client may
 * name (else invalid_target) and becomes the token's audience.
 */
async function clientCredentials(client: ApplicationDto, body: TokenRequestBody, ctx: RequestContext): Promise<TokenResponse> {
  if (client.type !== "confidential") throw new OAuthError("unauthorized_client", "client_credentials needs a confidential client");
  const requested = parseScope(body.scope);
  // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
  if (requested.some((s) => !/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/.test(s)) || requested.length > 50) {
    throw new OAuthError("invalid_scope", "the scope is malformed");
  }
  // No user is involved: user-information scopes make no sense here (RFC 6749 §4.4).
  if (requested.some((s) => isKnownScope(s))) throw new OAuthError("invalid_scope", "OpenID Connect scopes are not available with client_credentials");
  // Admin API scopes only as an administrator allowed them (lib/applications setApplicationAdminScopes).
  const allowed = [...client.allowedScopes.filter((s) => !isAdminApiScope(s)), ...client.adminScopes].filter((s) => !isKnownScope(s));
  if (requested.some((s) => !allowed.includes(s))) throw new OAuthError("invalid_scope", "the client is not allowed some of the requested scope");
  const scopes = requested.length ? requested : allowed;
  const audience = allowedResource(client, body.resource);
  void ctx; // client_credentials is not audited per token: it would dominate the trail; the client's own changes are.
  return issueClientCredentialsToken(client, scopes, { audience });
}

/** RFC 8707 §2: an absolute URI without a fragment, registered for this client; undefined when none was sent. */
function allowedResource(client: ApplicationDto, resource: string | undefined): string | undefined {
  if (resource === undefined || resource === "") return undefined;
  let url: URL | null = null;
  try {
    url = resource.length <= 2000 ? new URL(resource) : null;
  } catch {}
  if (!url || resource.includes("#")) throw new OAuthError("invalid_target", "resource must be an absolute URI without a fragment");
  // Exact string comparison with the registration, as for redirect URIs.
  if (!client.allowedResources.includes(resource)) throw new OAuthError("invalid_target", "the client may not request tokens for this resource");
  return resource;
}
