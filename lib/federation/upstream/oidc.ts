// OpenID Connect's part of the callback: the code redeemed at the discovered token endpoint, the
// ID token validated (id-token.ts), UserInfo read and bound to the same subject (Core §5.3.4),
// the claims mapped to the profile.
import "server-only";
import type { OidcSettings } from "../connection.schema";
import type { ConnectionWithSecret } from "../connections";
import { FederationError } from "../federation.errors";
import { appleClientSecret, appleUserName } from "./apple";
import { mapUpstreamClaims } from "./claims";
import { providerMetadata, type ProviderMetadata } from "./discovery";
import { validateIdToken } from "./id-token";
import { bearerGet, redeemCode, type ClientAuthMethod, type TokenClient } from "./token-request";
import { invalidResponse } from "./upstream-http";
import type { ExpectedCallback, UpstreamIdentity } from "./types";

/** Discovery §3: client_secret_basic unless the upstream lists only client_secret_post. */
export function clientAuthMethod(metadata: Pick<ProviderMetadata, "token_endpoint_auth_methods_supported">): ClientAuthMethod {
  const supported = metadata.token_endpoint_auth_methods_supported;
  return supported && !supported.includes("client_secret_basic") && supported.includes("client_secret_post") ? "client_secret_post" : "client_secret_basic";
}

/** The discovered token endpoint and the client's authentication there (Apple: a fresh JWT secret). */
export async function oidcTokenClient(c: ConnectionWithSecret, settings: OidcSettings, metadata: ProviderMetadata): Promise<TokenClient> {
  return {
    tokenEndpoint: metadata.token_endpoint,
    clientId: settings.clientId,
    clientSecret: settings.appleClientSecret ? await appleClientSecret(c.clientSecret, settings.appleClientSecret, settings.clientId, settings.issuer, c.name) : c.clientSecret,
    // Apple reads its JWT client secret from the body only.
    authMethod: settings.appleClientSecret ? "client_secret_post" : clientAuthMethod(metadata),
    upstreamName: c.name,
  };
}

export async function redeemOidc(
  c: ConnectionWithSecret,
  settings: OidcSettings,
  callback: { code: string; redirectUri: string; expected: ExpectedCallback; issuerParam: string | null; appleUser: string | null },
): Promise<UpstreamIdentity> {
  const metadata = await providerMetadata(settings, c.name);
  const tokens = await redeemCode({ ...(await oidcTokenClient(c, settings, metadata)), code: callback.code, redirectUri: callback.redirectUri, codeVerifier: callback.expected.codeVerifier });
  // Core §3.1.3.3: the token response of an OpenID request has an ID token.
  if (!tokens.idToken) throw invalidResponse(c.name);
  const idClaims = await validateIdToken(tokens.idToken, { settings, jwksUri: metadata.jwks_uri, nonce: callback.expected.nonce, upstreamName: c.name });
  // RFC 9207 with a multi-tenant issuer: the iss parameter names the same tenant as the token.
  if (callback.issuerParam !== null && callback.issuerParam !== idClaims.iss) {
    throw new FederationError("invalid_response", `The answer did not come from ${c.name}. Please start again.`);
  }

  let claims: Record<string, unknown> = idClaims;
  if (metadata.userinfo_endpoint) {
    const userinfo = await bearerGet(metadata.userinfo_endpoint, tokens.accessToken, c.name);
    // Core §5.3.4: UserInfo about anyone else fails the sign-in (so does a signed or encrypted one: not read).
    if (typeof userinfo !== "object" || userinfo === null || Array.isArray(userinfo) || (userinfo as { sub?: unknown }).sub !== idClaims.sub) {
      throw invalidResponse(c.name);
    }
    claims = { ...idClaims, ...userinfo };
  }

  // Apple posts the name once, beside the answer (its ID token never holds it).
  if (settings.appleClientSecret) claims = { ...appleUserName(callback.appleUser), ...claims };
  const mapped = mapUpstreamClaims(claims, settings.claimMapping, "oidc");
  if (!mapped.subject) throw invalidResponse(c.name);
  const upstreamAmr = Array.isArray(idClaims.amr) ? idClaims.amr.filter((v): v is string => typeof v === "string" && /^[\x21-\x7e]{1,64}$/.test(v)) : [];
  return {
    subject: mapped.subject,
    email: mapped.email,
    emailVerified: mapped.email !== null && mapped.emailVerified,
    profile: mapped.profile,
    amr: [...new Set(["fed", ...upstreamAmr.slice(0, 10)])],
    tokens,
  };
}
