import "server-only";
export { requestContext, contextFromHeaders, clientIpFrom } from "./request-context";
export { setSessionCookie, clearSessionCookie, sessionTokenFromCookie, currentSession, sessionCookieName, setPendingSignInCookie, pendingSignInToken, clearPendingSignInCookie, rememberSecondFactorMethod, rememberedSecondFactorMethod, setTrustedDeviceCookie, trustedDeviceToken, deviceIdCookie, setDeviceIdCookie } from "./session-cookie";
export { interactionBinding } from "./interaction-cookie";
export {
  federationStartTarget,
  federationCallbackTarget,
  federationErrorTarget,
  postedAnswerTarget,
  FEDERATION_ERROR_MESSAGES,
  pendingFederatedRegistration,
  pendingFederatedLink,
  registerThroughFederation,
  linkThroughPassword,
  connectionsOffered,
  homeRealmTarget,
} from "./federation-flow";
export { signInWithPassword, signInWithPasskey, startSignedInSession, termsToAccept, acceptTermsAndSignIn, declineTermsAndSignOut } from "./sign-in-flow";
export { requireSession, requireRecentSession, requireAdmin, requireOutboxReader, shellSession } from "./guards";
export { safeNextPath } from "./safe-redirect";
export { formValues, tickedPurposes, tickedPurposesEcho, type FormState } from "./form-action";
export { publicAction, customerAction, adminAction, administrator, noInput, type FormArgs } from "./actions";
export { jsonResponse, jsonResult, readForm, singleValued, oauthErrorResponse, oauthErrorResult } from "./oauth";
// Protocol endpoint handlers, shared by the app/ route files and the fast path (fast-path.ts).
export * as authorizationEndpoint from "./endpoints/authorize";
export * as tokenEndpoint from "./endpoints/token";
export * as userinfoEndpoint from "./endpoints/userinfo";
export * as introspectionEndpoint from "./endpoints/introspect";
export * as revocationEndpoint from "./endpoints/revoke";
export * as jwksEndpoint from "./endpoints/jwks";
export * as discoveryEndpoint from "./endpoints/discovery";
export * as registrationEndpoint from "./endpoints/register";
export * as deviceAuthorizationEndpoint from "./endpoints/device-authorization";
export * as endSessionEndpoint from "./endpoints/logout";
export * as cronEndpoint from "./endpoints/cron";
export * as dataExportDownloadEndpoint from "./endpoints/data-export";
export * as auditExportEndpoint from "./endpoints/audit-export";
export * as consentReceiptDownloadEndpoint from "./endpoints/consent-receipt";
export * as userJobDownloadEndpoints from "./endpoints/user-jobs";
export * as userImportUploadEndpoint from "./endpoints/user-import-upload";
export * as consentApi from "./endpoints/consent";
export * as adminAnalyticsEndpoint from "./endpoints/admin-analytics";
export * as adminWebhooksEndpoint from "./endpoints/admin-webhooks";
export * as federationTokensEndpoint from "./endpoints/federation-tokens";
export * as eventSchemasEndpoint from "./endpoints/event-schemas";
export { nextRoute, toResponse, type EndpointRequest, type EndpointResult } from "./endpoints/result";
export { otherMethods } from "./endpoints/methods";
export * as scimEndpoint from "./endpoints/scim";
