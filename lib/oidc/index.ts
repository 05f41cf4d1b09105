// Portico's OpenID Provider / OAuth 2 authorization server. No Next.js in here: routes translate
// HTTP to these calls and the results back (lib/http/oauth.ts).
import "server-only";
export { authorize, getConsentRequest, decideConsent, applicationOfSignIn, authorizeParamsSchema, CODE_LIFETIME_SECONDS, type AuthorizeOutcome, type AuthorizationResponse, type AuthorizeSession } from "./authorize";
export { handleTokenRequest, DEVICE_CODE_GRANT } from "./token-endpoint";
export { userInfo, introspect, revoke, bearerToken, authenticateBearer, authenticateClientBearer, type BearerPrincipal, type ClientPrincipal } from "./resource";
export { providerMetadata } from "./discovery";
export { grantConsent, withdrawApplicationConsent, revokeApplicationAccessByAdmin, listConsents, connectedApplications, type ConnectedApplication } from "./consent";
export { consentsForExport, liveGrantsForExport, profilingForExport, type ConsentView, type GrantView, type ProfilingView } from "./export-view";
export { OAuthError, UnsafeRedirectError, type OAuthErrorCode } from "./oidc.errors";
export { SCOPE_DESCRIPTIONS, isKnownScope, CONSENT_READ_SCOPE, CONSENT_WRITE_SCOPE, FEDERATION_TOKENS_SCOPE } from "./scopes.schema";
export { issuer, endpoint } from "./issuer";
export { atHash } from "./tokens";
export type { TokenResponse } from "./types";
export { startDeviceAuthorization, enterUserCode, lookupUserCode, approveDevice, denyDevice, type DeviceRequestView, type UserCodeEntry, type DeviceDecision } from "./device";
export { backchannelLogout, backchannelLogoutUser, cutOffApplicationsIn, prepareApplicationsCutOff, type ApplicationsCutOff, prepareSessionLogout, endSessionApplicationsIn, type SessionLogout, endUserSession, type EndedSession, validateRpLogout, postLogoutRedirect, sealRpLogoutRequest, openRpLogoutRequest, sealRpLogoutParams, openRpLogoutParams, completeRpLogout, type RpLogoutOutcome, type RpLogoutRequest, type RpLogoutErrorReason } from "./logout";
export { purgeExpiredProtocolState, eraseProtocolDataOf } from "./housekeeping";
export { ACR_ONE_FACTOR, ACR_MULTI_FACTOR, ACR_VALUES_SUPPORTED, achievedAcr } from "./acr";
export { emailCodeWithStrongFactorFor } from "./mfa-policy";
export { getProfilePrompt, answerProfilePrompt, type ProfilePrompt, type ProfilePromptQuestion } from "./profiling";
