// Federation: upstream identity providers customers sign in with (OpenID Connect, OAuth 2.0),
// home realm discovery, the identities linked to accounts.
import "server-only";
export { FederationError, type FederationErrorCode } from "./federation.errors";
export { CLIENT_SECRET_PURPOSE, connectionForEmail, connectionsForApplication, findConnectionWithSecret, findEnabledConnection, type Connection, type ConnectionWithSecret } from "./connections";
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
