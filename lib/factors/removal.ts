// Removing factors, and what keeps that safe: the owner is mailed about every removal; the last
// factor takes the recovery codes and trusted browsers with it; a recovery (password reset, "this
// wasn't me") reviews every method and removes the ones it decided on inside its own transaction;
// an administrator's reset for an owner who lost every factor.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { describeFactor, mailMethodChange, RECOVERY_CODES_LABEL, securityLink, type MfaUser } from "./activation";
import { MfaError } from "./factors.errors";
import { factorIdSchema } from "./factors.schema";
import {
  countConfirmedFactors,
  deleteAllFactors,
  deleteFactor,
  deleteRecoveryCodes,
  findFactorOfUser,
  listAllFactors,
  recoveryCodesCreatedAt,
  revokeTrustedDevices,
  spendRecoveryCode,
  withTransaction,
  type Tx,
} from "./factors.repo";
import { normaliseRecoveryCode, recoveryCodeHash } from "./recovery-codes";

/**
 * Removes a factor; removing the last one turns two-step verification off (and its recovery codes).
 * The owner is mailed either way.
 */
export async function removeSecondFactor(user: MfaUser, factorId: string, ctx: RequestContext): Promise<void> {
  const factor = factorIdSchema.safeParse(factorId).success ? await findFactorOfUser(factorId, user.id) : null;
  if (!factor) throw new MfaError("not_found", "This method no longer exists.");
  await withTransaction(async (tx) => {
    if (!(await deleteFactor(factorId, user.id, tx))) throw new MfaError("not_found", "This method no longer exists.");
    const remaining = await countConfirmedFactors(user.id, tx);
    const hadCodes = remaining === 0 && (await recoveryCodesCreatedAt(user.id, tx)) !== null;
    if (remaining === 0) {
      await deleteRecoveryCodes(user.id, tx);
      await revokeTrustedDevices(user.id, new Date(), tx);
    }
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.factor_removed", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { factorId, type: factor.type, remaining } }, tx);
    // An unfinished enrolment was never added, so its removal is no event.
    if (factor.confirmedAt) await emitIdentityEvent({ type: "user.factor_removed", userId: user.id, data: { kind: factor.type, factorId } }, tx);
    if (hadCodes) await emitIdentityEvent({ type: "user.factor_removed", userId: user.id, data: { kind: "recovery_codes" } }, tx);
    if (remaining === 0) await enqueueMail({ to: user.email, template: "two-step-changed", data: { enabled: false, securityLink: securityLink(), name: user.displayName ?? undefined } }, tx);
    else if (factor.confirmedAt) await mailMethodChange(user, "removed", [describeFactor(factor)], tx);
  });
  kickOutbox();
}

// --- Recovery: what a password reset or "this wasn't me" reviews and removes ----------------------

export interface SignInMethod {
  /** A factor id, or "recovery-codes". */
  id: string;
  kind: "factor" | "recovery_codes";
  type: string;
  /** As the owner knows it: "Passkey “Work laptop”", "Authenticator app", "Recovery codes". */
  label: string;
  createdAt: Date;
  /** False for an unfinished enrolment. */
  confirmed: boolean;
}

export const RECOVERY_CODES_ID = "recovery-codes";

/** Every sign-in method of the account besides the password, oldest first (unfinished enrolments included). */
export async function signInMethodsOf(userId: string, tx?: Tx): Promise<SignInMethod[]> {
  const [factors, codesAt] = await Promise.all([listAllFactors(userId, tx), recoveryCodesCreatedAt(userId, tx)]);
  const methods: SignInMethod[] = factors.map((f) => ({ id: f.id, kind: "factor", type: f.type, label: describeFactor(f), createdAt: f.createdAt, confirmed: f.confirmedAt !== null }));
  if (codesAt) methods.push({ id: RECOVERY_CODES_ID, kind: "recovery_codes", type: "recovery", label: RECOVERY_CODES_LABEL, createdAt: codesAt, confirmed: true });
  return methods;
}

/**
 * Removes these sign-in methods inside a recovery's transaction (the caller decided which, and
 * signs every session out itself): one audit event per method, one mail listing them. Recovery
 * codes go with the last factor. Returns the labels removed.
 */
export async function removeSignInMethods(user: MfaUser, methods: readonly SignInMethod[], reason: string, ctx: RequestContext, tx: Tx): Promise<string[]> {
  const removed: string[] = [];
  for (const m of methods) {
    if (m.kind !== "factor" || !(await deleteFactor(m.id, user.id, tx))) continue;
    removed.push(m.label);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.factor_removed", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { factorId: m.id, type: m.type, reason } }, tx);
    if (m.confirmed) await emitIdentityEvent({ type: "user.factor_removed", userId: user.id, data: { kind: m.type, factorId: m.id } }, tx);
  }
  const remaining = await countConfirmedFactors(user.id, tx);
  if ((remaining === 0 || methods.some((m) => m.kind === "recovery_codes")) && (await recoveryCodesCreatedAt(user.id, tx))) {
    await deleteRecoveryCodes(user.id, tx);
    removed.push(RECOVERY_CODES_LABEL);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.recovery_codes_removed", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { reason } }, tx);
    await emitIdentityEvent({ type: "user.factor_removed", userId: user.id, data: { kind: "recovery_codes" } }, tx);
  }
  if (removed.length === 0) return removed;
  if (remaining === 0) await enqueueMail({ to: user.email, template: "two-step-changed", data: { enabled: false, securityLink: securityLink(), name: user.displayName ?? undefined } }, tx);
  await mailMethodChange(user, "removed", removed, tx);
  return removed;
}

/**
 * A recovery that removes long-standing methods needs more than the mailbox: one of the recovery
 * codes issued with the first factor (spent inside the recovery's transaction, so a failed
 * recovery keeps it). False for anything else, malformed input included.
 */
export async function spendRecoveryCodeInRecovery(userId: string, code: string | undefined, tx: Tx, now = new Date()): Promise<boolean> {
  if (!code || !normaliseRecoveryCode(code)) return false;
  return spendRecoveryCode(userId, recoveryCodeHash(code), now, tx);
}

/**
 * Turns two-step verification off for an owner who lost every factor and proved who they are
 * another way: all factors, recovery codes and trusted browsers go, in one transaction, audited
 * as done by `by`, and the owner is mailed. The caller authorises `by` (lib/users checks the role).
 */
export async function resetSecondFactors(user: MfaUser, by: { type: "user"; id: string }, ctx: RequestContext, now = new Date()): Promise<{ removed: number }> {
  const removed = await withTransaction(async (tx) => {
    const factors = (await listAllFactors(user.id, tx)).filter((f) => f.confirmedAt !== null);
    const hadCodes = (await recoveryCodesCreatedAt(user.id, tx)) !== null;
    const count = await deleteAllFactors(user.id, tx);
    await deleteRecoveryCodes(user.id, tx);
    for (const f of factors) await emitIdentityEvent({ type: "user.factor_removed", userId: user.id, data: { kind: f.type, factorId: f.id } }, tx);
    if (hadCodes) await emitIdentityEvent({ type: "user.factor_removed", userId: user.id, data: { kind: "recovery_codes" } }, tx);
    await revokeTrustedDevices(user.id, now, tx);
    await recordAudit({ actor: by, action: "mfa.reset_by_admin", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { factorsRemoved: count } }, tx);
    await enqueueMail({ to: user.email, template: "two-step-changed", data: { enabled: false, byAdministrator: true, securityLink: securityLink(), name: user.displayName ?? undefined } }, tx);
    return count;
  });
  kickOutbox();
  return { removed };
}
