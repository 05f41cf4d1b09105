// Federation: upstream identity providers customers sign in with (OpenID Connect, OAuth 2.0),
// home realm discovery, the identities linked to accounts.
import "server-only";
export { FederationError, type FederationErrorCode } from "./federation.errors";
export { CLIENT_SECRET_PURPOSE, connectionForEmail, connectionsForApplication, findConnectionWithSecret, findEnabledConnection, type Connection, type ConnectionWithSecret } from "./connections";
export { mapUpstreamClaims, redeemUpstreamCallback, upstreamAuthorizationUrl, type ExpectedCallback, type MappedClaims, type UpstreamAuthorization, type UpstreamIdentity } from "./upstream";
