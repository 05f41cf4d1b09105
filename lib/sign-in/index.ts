// The sign-in journey, above the domains it combines (users, factors, risk, sessions, oidc) and
// below lib/http: what happens after the first factor (decision.ts), the pending sign-in and its
// second step, the start of the session, signing an account out everywhere (or everywhere but
// here: a password change, the portal's session list). Cookies come in
// and go out as values (cookies.ts): lib/http reads and sets them.
import "server-only";

export type { BrowserCookies, CookieChanges } from "./cookies";
export { decideNextStep, trustedDeviceCounts, type NextStep, type SignInFacts } from "./decision";
export { continueAfterFirstFactor, refuseDeniedAddress, signInWithPasskey, signInWithPassword, SECOND_STEP_PATH, type FirstFactor, type SignInOutcome } from "./first-factor";
export { beginPendingSignIn, findPendingSecondStep, methodsOfPendingSignIn, MAX_ATTEMPTS, PENDING_LIFETIME_MINUTES, EXPIRED_MESSAGE, type PendingSecondStep } from "./pending-sign-in";
export { sendSignInCode } from "./sign-in-code";
export { completeSecondStep, SECOND_STEP_AMR, type CompletedSecondStep, type SecondStepInput } from "./second-step";
export { signIn, startSession, finishSignIn } from "./session-start";
export { completeSignIn, documentsToAccept, acceptAndSignIn, declineTerms, TERMS_PATH } from "./terms-acceptance";
export { signOutEverywhere, signOutOtherSessions, type SignedOutEverywhere } from "./sign-out-everywhere";
export { changePassword, type OwnerSession } from "./password-change";
export { listAccountSessions, signOutSession, type AccountSessionView } from "./account-sessions";
export { completePasswordReset, secureAccountNotMe, secureAccountFromActivity, cancelOrRevertEmailChange } from "./account-recovery";
export { deleteExpiredPendingSignIns } from "./sign-in.repo";
export { requestAccountDeletion, eraseAccountsDue, deleteAccountNow, scheduleDeletionByAdmin, eraseProvisionedAccount } from "./account-deletion";
export { disableAndSignOut, signOutEverywhereByAdmin } from "./admin-accounts";
export { adminUserOverview, ADMIN_USER_AUDIT_EVENTS, type AdminUserOverview } from "./admin-user-overview";
export { startFederation, connectionsForSignIn, finishFederation, pendingFederatedStep, importedAttributesOf, completeFederatedRegistration, completeFederatedLink, FEDERATED_LINK_PATH, FEDERATED_REGISTER_PATH, LINKED_ACCOUNTS_PATH, type FederationBrowser, type CallbackOutcome } from "./federated";
