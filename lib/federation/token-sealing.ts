// The upstream's tokens at rest: each sealed under its own purpose (lib/crypto binds it as
// associated data), so one column's ciphertext never opens as another's.
import "server-only";
import { decryptAtRest, encryptAtRest } from "@/lib/crypto";
import type { TokenColumns } from "./identities.repo";

const TOKEN_PURPOSE = { access: "linked_identity.access_token", refresh: "linked_identity.refresh_token", id: "linked_identity.id_token" } as const;

export interface OpenTokens {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  expiresAt: Date | null;
}

export function sealTokens(tokens: OpenTokens): TokenColumns {
  return {
    accessTokenSealed: encryptAtRest(tokens.accessToken, TOKEN_PURPOSE.access),
    refreshTokenSealed: tokens.refreshToken ? encryptAtRest(tokens.refreshToken, TOKEN_PURPOSE.refresh) : null,
    idTokenSealed: tokens.idToken ? sealIdToken(tokens.idToken) : null,
    tokenExpiresAt: tokens.expiresAt,
  };
}

export function sealIdToken(idToken: string): string {
  return encryptAtRest(idToken, TOKEN_PURPOSE.id);
}

/** The upstream ID token kept for an identity, or null. */
export function openIdToken(sealed: string | null): string | null {
  return sealed ? decryptAtRest(sealed, TOKEN_PURPOSE.id) : null;
}

/** Null when no access token is kept. */
export function openTokens(columns: TokenColumns): OpenTokens | null {
  if (!columns.accessTokenSealed) return null;
  return {
    accessToken: decryptAtRest(columns.accessTokenSealed, TOKEN_PURPOSE.access),
    refreshToken: columns.refreshTokenSealed ? decryptAtRest(columns.refreshTokenSealed, TOKEN_PURPOSE.refresh) : null,
    idToken: openIdToken(columns.idTokenSealed),
    expiresAt: columns.tokenExpiresAt,
  };
}

/**
 * What clears them when the upstream no longer accepts the refresh token. The ID token stays: no
 * credential at the upstream, but the id_token_hint of a sign-out there (upstream-sign-out.ts).
 */
export const NO_TOKENS = { accessTokenSealed: null, refreshTokenSealed: null, tokenExpiresAt: null } as const satisfies Partial<TokenColumns>;
