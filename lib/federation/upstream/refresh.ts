// A kept refresh token used at the upstream's token endpoint (RFC 6749 §6), the client
// authenticated as at the sign-in. An OpenID Connect upstream's new ID token is kept only when it
// validates and names the same issuer and subject as the one it replaces (Core §12.2).
import "server-only";
import { decodeJwt } from "jose";
import type { ConnectionWithSecret } from "../connections";
import { providerMetadata } from "./discovery";
import { validateIdToken } from "./id-token";
import { oauth2TokenClient } from "./oauth2";
import { oidcTokenClient } from "./oidc";
import { refreshTokens, type TokenResponse } from "./token-request";

export interface RefreshClient {
  /** The token endpoint call only (the caller holds a lock meanwhile). */
  refresh(refreshToken: string): Promise<TokenResponse>;
  /** Whether a refreshed ID token may replace `previous` (it may fetch the upstream's keys). */
  keepsIdToken(idToken: string, previous: string | null): Promise<boolean>;
}

/** Everything a refresh needs first (discovery, Apple's client secret), read before the caller takes its lock. */
export async function refreshClient(c: ConnectionWithSecret): Promise<RefreshClient> {
  const s = c.settings;
  if (s.protocol === "saml") throw new Error("a SAML connection keeps no tokens");
  if (s.protocol === "oauth2") {
    const client = oauth2TokenClient(c, s);
    return { refresh: async (rt) => ({ ...(await refreshTokens(client, rt)), idToken: null }), keepsIdToken: async () => false };
  }
  const metadata = await providerMetadata(s, c.name);
  const client = await oidcTokenClient(c, s, metadata);
  return {
    refresh: (rt) => refreshTokens(client, rt),
    async keepsIdToken(idToken, previous) {
      try {
        const claims = await validateIdToken(idToken, { settings: s, jwksUri: metadata.jwks_uri, nonce: null, upstreamName: c.name });
        if (!previous) return true;
        const before = decodeJwt(previous);
        return before.iss === claims.iss && before.sub === claims.sub;
      } catch {
        return false;
      }
    },
  };
}
