import "server-only";
export { requestContext, contextFromHeaders, clientIpFrom } from "./request-context";
export { setSessionCookie, clearSessionCookie, sessionTokenFromCookie, currentSession, sessionCookieName } from "./session-cookie";
export { requireSession, requireAdmin } from "./guards";
export { safeNextPath } from "./safe-redirect";
export { formValues, fieldErrorsOf, formErrorFrom, type FormState } from "./form-action";
export { jsonResponse, readForm, singleValued, oauthErrorResponse } from "./oauth";
