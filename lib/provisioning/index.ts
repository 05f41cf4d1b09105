// Provisioning: the clients that push identities in through SCIM, and their tokens; and the
// targets Portico pushes its customers to (outbound SCIM).
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

// Outbound provisioning: SCIM services Portico pushes its customers to (targets.ts, sync.ts).
export {
  listTargets,
  getTarget,
  listTargetLog,
  createTarget,
  updateTarget,
  replaceTargetToken,
  setTargetEnabled,
  syncTargetNow,
  reconcileTargetNow,
  deleteTarget,
  reconcileProvisioningTargets,
  checkTargetUrl,
  ProvisioningTargetError,
  RECONCILE_BATCH,
  type ProvisioningTargetErrorCode,
  type TargetView,
} from "./targets";
export { runDueProvisioningJobs, provisioningEventSink, syncUser, provisioningQueue, LOG_RETENTION_DAYS, type PushAction } from "./sync";
export type { LogRow as ProvisioningLogRow } from "./targets.repo";
export { deleteProvisioningTracesOf as eraseProvisioningTracesOf } from "./targets.repo";
export { DEFAULT_MAPPING, MAPPING_SOURCES, mappingToText, type MappingEntry, type TargetInput } from "./targets.schema";
