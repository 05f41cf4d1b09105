// A kept refresh token used at the upstream's token endpoint (RFC 6749 §6), the client
// authenticated as at the sign-in. An OpenID Connect upstream's new ID token is kept only when it
// validates and names the same issuer and subject as the one it replaces (Core §12.2).
import "server-only";
import { decodeJwt } from "jose";
import type { OidcSettings } from "../connection.schema";
import type { ConnectionWithSecret } from "../connections";
import { providerMetadata, type ProviderMetadata } from "./discovery";
import { validateIdToken } from "./id-token";
import { oauth2TokenClient } from "./oauth2";
import { oidcTokenClient } from "./oidc";
import { refreshTokens, type TokenResponse } from "./token-request";

export async function refreshUpstreamTokens(c: ConnectionWithSecret, refreshToken: string, previousIdToken: string | null): Promise<TokenResponse> {
  const s = c.settings;
  if (s.protocol === "saml") throw new Error("a SAML connection keeps no tokens");
  if (s.protocol === "oauth2") return { ...(await refreshTokens(oauth2TokenClient(c, s), refreshToken)), idToken: null };
  const metadata = await providerMetadata(s, c.name);
  const tokens = await refreshTokens(await oidcTokenClient(c, s, metadata), refreshToken);
  const idToken = tokens.idToken && (await sameSubject(tokens.idToken, previousIdToken, s, metadata, c.name)) ? tokens.idToken : null;
  return { ...tokens, idToken };
}

/** Core §12.2: same iss and sub as before; one that does not validate is dropped (the old one stays). */
async function sameSubject(idToken: string, previous: string | null, settings: OidcSettings, metadata: ProviderMetadata, upstreamName: string): Promise<boolean> {
  try {
    const claims = await validateIdToken(idToken, { settings, jwksUri: metadata.jwks_uri, nonce: null, upstreamName });
    if (!previous) return true;
    const before = decodeJwt(previous);
    return before.iss === claims.iss && before.sub === claims.sub;
  } catch {
    return false;
  }
}
