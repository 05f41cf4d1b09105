// The upstream protocol layer: the authorization request to an upstream OpenID Connect or OAuth
// 2.0 provider and its callback redeemed into an identity. Framework-free: the caller keeps what
// was sent (state, verifier, nonce) and hands the callback's parameters back.
import "server-only";
export { upstreamAuthorizationUrl } from "./authorization";
export { redeemUpstreamCallback } from "./callback";
export { mapUpstreamClaims, type MappedClaims } from "./claims";
export type { ExpectedCallback, UpstreamAuthorization, UpstreamIdentity } from "./types";
export { refreshClient, type RefreshClient } from "./refresh";
export type { TokenResponse } from "./token-request";
