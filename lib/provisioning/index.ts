// Provisioning: the clients that push identities in through SCIM, and their tokens.
import "server-only";
export {
  authenticateProvisioningToken,
  createProvisioningToken,
  listProvisioningTokens,
  revokeProvisioningToken,
  provisioningTokenInputSchema,
  ProvisioningError,
  PROVISIONING_SCOPES,
  type ProvisioningClient,
  type ProvisioningScope,
  type ProvisioningTokenInput,
  type IssuedProvisioningToken,
  type TokenIssuer,
} from "./tokens";
export type { ProvisioningTokenRow } from "./tokens.repo";
