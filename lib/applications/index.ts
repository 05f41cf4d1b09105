// Applications (OAuth 2 / OIDC clients): administration, client authentication at the token
// endpoint, redirect URI matching and dynamic client registration (RFC 7591).
import "server-only";

export {
  createApplication,
  updateApplication,
  setApplicationDisabled,
  deleteApplication,
  rotateClientSecret,
  listApplications,
  getApplication,
  findClientByClientId,
  setClaimMappings,
  setProfilingPolicy,
  setApplicationAdminScopes,
  enabledClientClaimMappings,
  enabledClientReleases,
  type ApplicationWithSecret,
} from "./applications";
export {
  listApplicationRoles,
  createApplicationRole,
  updateApplicationRole,
  deleteApplicationRole,
  assignApplicationRole,
  assignApplicationRoleByName,
  unassignApplicationRole,
  setRoleClaims,
  entitlementsFor,
  usesEntitlements,
  entitlementClaims,
  type RoleHolder,
} from "./roles";
export { heldRolesForExport, type HeldRole } from "./roles-export.repo";
export { entitlementClaimProblem, type ApplicationRoleDto, type Entitlements } from "./roles.schema";
export {
  authenticateClient,
  authenticateClientWithMethod,
  JWT_BEARER_ASSERTION_TYPE,
  MAX_ASSERTION_LIFETIME_SECONDS,
  type ClientAuthRequest,
  type AuthenticatedClient,
} from "./client-auth";
export {
  createInitialAccessToken,
  listInitialAccessTokens,
  revokeInitialAccessToken,
  verifyInitialAccessToken,
  registerClient,
  DEFAULT_INITIAL_ACCESS_TOKEN_TTL_SECONDS,
  type VerifiedInitialAccessToken,
} from "./registration";
export { matchRedirectUri, uriProblem } from "./redirect-uri";
export { ApplicationError, ClientAuthError, type ApplicationErrorCode, type ClientAuthErrorCode } from "./applications.errors";
export {
  ADMIN_API_SCOPES,
  isAdminApiScope,
  type AdminApiScope,
  usesClientSecret,
  DEVICE_CODE_GRANT,
  type ApplicationDto,
  type ApplicationInput,
  type ApplicationInputRaw,
  type ApplicationType,
  type GrantType,
  type TokenEndpointAuthMethod,
  type Jwks,
  type RegistrationResponse,
  type InitialAccessTokenDto,
} from "./applications.schema";
