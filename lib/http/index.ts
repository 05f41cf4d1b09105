import "server-only";
export { requestContext, contextFromHeaders, clientIpFrom } from "./request-context";
export { setSessionCookie, clearSessionCookie, sessionTokenFromCookie, currentSession, sessionCookieName, setPendingSignInCookie, pendingSignInToken, clearPendingSignInCookie, rememberSecondFactorMethod, rememberedSecondFactorMethod, setTrustedDeviceCookie, trustedDeviceToken, deviceIdCookie, setDeviceIdCookie } from "./session-cookie";
export { startPortalSession } from "./sign-in";
export { continueAfterFirstFactor, finishSignIn, refuseDeniedAddress } from "./sign-in-flow";
export { requireSession, requireAdmin } from "./guards";
export { completePasswordReset } from "./account-recovery";
export { safeNextPath } from "./safe-redirect";
export { formValues, fieldErrorsOf, formErrorFrom, type FormState } from "./form-action";
export { jsonResponse, jsonResult, readForm, singleValued, oauthErrorResponse, oauthErrorResult } from "./oauth";
// Protocol endpoint handlers, shared by the app/ route files and the fast path (fast-path.ts).
export * as authorizationEndpoint from "./endpoints/authorize";
export * as tokenEndpoint from "./endpoints/token";
export * as userinfoEndpoint from "./endpoints/userinfo";
export * as introspectionEndpoint from "./endpoints/introspect";
export * as revocationEndpoint from "./endpoints/revoke";
export * as jwksEndpoint from "./endpoints/jwks";
export * as discoveryEndpoint from "./endpoints/discovery";
export { nextRoute, toResponse, type EndpointRequest, type EndpointResult } from "./endpoints/result";
