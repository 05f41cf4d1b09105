// Users: registration, password sign-in, verification and recovery links, and admin queries.
import "server-only";
import { normalizedEmail } from "./users.schema";
import { findUserByEmail, findUserById, findUserClaimsRow, countUsersWithRole } from "./users.repo";
import { ADMIN_ROLE, assertPermission, type Actor } from "./permissions";

export { registerUser } from "./registration";
export { runDueAccountJobs, drainAccountJobs } from "./account-worker";
export { changeEmail, confirmEmailChange, cancelEmailChange, cancelPendingEmailChange, pendingEmailChange, type CancelOutcome } from "./email-change";
export { authenticateWithPassword } from "./login";
export { hasPassword, preparePasswordChange, recordPasswordChange, NO_PASSWORD_MESSAGE, type PasswordChangeInput, type PreparedPasswordChange, type PasswordChangeNotice } from "./password-change";
export { authenticateWithPasskey } from "./passkey-login";
export { adminResetSecondFactors } from "./admin-mfa-reset";
export { notifyNewDeviceSignIn, reportNotMe, reportActivityNotMe, forcePasswordReset } from "./not-me";
export { lockAccount, lockedMessage } from "./login";
export type { UserRecord } from "./users.repo";
export { verifyEmail, resendVerification, requestPasswordReset, resetPassword, previewRecovery, unlockWithToken, type RecoveryPreview } from "./recovery";
export { RECENT_METHOD_DAYS } from "./factor-review";
export { getAccountSummary, type AccountSummary, type AccountStatus } from "./account-summary";
export { ensureBootstrapAdmin, type BootstrapResult } from "./bootstrap";
export { UserError, INVALID_CREDENTIALS_MESSAGE, type UserErrorCode } from "./users.errors";

export {
  ADMIN_ROLE,
  ROLES,
  ROLE_LABELS,
  ROLE_PERMISSIONS,
  isAdmin,
  isConsoleUser,
  hasPermission,
  assertPermission,
  assertApplicationPermission,
  canActOnApplication,
  assertTenantWidePermission,
  hasTenantWidePermission,
  assertUserPermission,
  canActOnUser,
  permissionScope,
  mayGrant,
  parseGrant,
  grantText,
  segmentOf,
  isRole,
  type Actor,
  type Permission,
  type Role,
  type Grant,
} from "./permissions";

/** Whether any administrator exists yet (before one does, the dev outbox opens to loopback only). */
export async function administratorExists(): Promise<boolean> {
  return (await countUsersWithRole(ADMIN_ROLE)) > 0;
}

export { listUsers, explainListUsers, type UserListPage, type UserListItem } from "./user-list";

/** The account an address belongs to, for a console filter by email (the audit log's actor); null when none. */
export async function userIdByEmailForAdmin(actor: Actor, email: string): Promise<string | null> {
  assertPermission(actor, "users:read");
  return (await findUserByEmail(normalizedEmail(email)))?.id ?? null;
}

export async function getUserProfile(userId: string) {
  const u = await findUserById(userId);
  return u && { id: u.id, email: u.email, displayName: u.displayName, emailVerified: Boolean(u.emailVerifiedAt), createdAt: u.createdAt };
}

/** What the OpenID Provider may release about a user (ID token, UserInfo); null when gone or disabled. */
export async function getUserClaims(userId: string) {
  const u = await findUserClaimsRow(userId);
  if (!u || u.disabledAt) return null;
  return { id: u.id, email: u.email, emailVerified: Boolean(u.emailVerifiedAt), displayName: u.displayName, updatedAt: u.updatedAt };
}
export { listAdministrators, tenantWideHoldersOf, grantRole, revokeRole, currentActor, type RoleHolder } from "./roles";
export { addressHeldForSwitchBack } from "./user-tokens";
export { publicLink } from "./links";
export { accountContact, accountForEmail, accountForFederatedSignIn, createFederatedAccount, recordFederatedSignIn, type FederatedAccountInput } from "./federated-account";
export { scheduleAccountDeletion, cancelAccountDeletion, accountsDueForErasure, eraseAccountRecord, markForImmediateErasure, markProvisionedAccountForErasure, type ScheduledDeletion } from "./deletion";
export { adminTarget, customerTargetByEmail, refuseOwnAccount, type AdminTarget } from "./admin-target";
export {
  setEmailVerified,
  disableAccount,
  enableAccount,
  lockAccountByAdmin,
  unlockAccountByAdmin,
  requirePasswordReset,
  sendPasswordResetLink,
  assertAdminMaySignOut,
  adminActor,
  mailAdminChange,
  ADMIN_LOCK_MINUTES,
} from "./admin-user-actions";
export { createUserByAdmin, previewInvitation, acceptInvitation, mailInvitation, type NewAccount } from "./admin-user-create";
export { getUserForAdmin, type AdminUserDetail, type AdminUserStatus } from "./admin-user-read";
