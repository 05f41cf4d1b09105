// Federation: upstream identity providers customers sign in with (OpenID Connect, OAuth 2.0, SAML 2.0),
// home realm discovery, the identities linked to accounts.
import "server-only";
export { FederationError, type FederationErrorCode } from "./federation.errors";
export { CLIENT_SECRET_PURPOSE, connectionForEmail, vouchesForAddress, connectionsForApplication, findConnectionWithSecret, findEnabledConnection, listEnabledConnections, type Connection, type ConnectionWithSecret } from "./connections";
export { completeLinksWaitingForSignIn, decideAccount, linkedIdentityOf, linkIdentity, recordLinkedSignIn, type AccountDecision, type AccountFacts } from "./linking";
export {
  answerFormPost,
  answerSamlRequest,
  beginUpstreamRequest,
  claimPendingStep,
  peekPendingStep,
  redeemUpstreamRequest,
  redirectUriOf,
  storePendingStep,
  PENDING_LIFETIME_MINUTES,
  REQUEST_LIFETIME_MINUTES,
  type PendingStep,
  type RedeemedRequest,
} from "./requests";
export { linkableConnections, linkedAccountsForExport, listLinkedIdentities, unlinkIdentity, type LinkedIdentityView } from "./linked-accounts";
export { deleteExpiredFederationRequests, deleteExpiredSamlAssertions } from "./identities.repo";
export { samlMetadataOf, serviceProviderOf } from "./saml-service-provider";
export { afterUpstreamSignOut, signOutDestination, upstreamSignOutUrl } from "./upstream-sign-out";
export { mapUpstreamClaims, redeemUpstreamCallback, upstreamAuthorizationUrl, type ExpectedCallback, type MappedClaims, type UpstreamAuthorization, type UpstreamIdentity } from "./upstream";
export {
  createConnection,
  updateConnection,
  deleteConnection,
  listConnectionsFor,
  getConnectionFor,
  setConnectionDomains,
  setApplicationConnections,
  listApplicationConnectionsFor,
  type ConnectionAdminView,
  type ConnectionSummary,
} from "./connection-admin";
export { samlConnectionDetails, type SamlConnectionDetails } from "./saml-connection";
export { parseIdpMetadata, EXPIRY_WARNING_DAYS, type CertificateSummary, type IdpMetadata, type IdpMetadataResult } from "./saml-metadata";
export { upstreamTokensFor, REFRESH_MARGIN_MS, type UpstreamTokens, type TokenReader } from "./upstream-tokens";
