// What every way of adding a factor shares: only an account whose address is verified may add one
// (else whoever registered someone else's address could plant a passkey and wait: the pre-account
// hijack); the factor becomes active inside one transaction with its audit event; the first
// factor of an account turns two-step verification on (recovery codes, returned once); and the
// owner is mailed about every factor added, not only the first.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { config } from "@/lib/config";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { MfaError } from "./factors.errors";
import { newRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash } from "./recovery-codes";
import { countConfirmedFactors, isEmailVerified, replaceRecoveryCodes, withTransaction, type Tx } from "./factors.repo";

export interface MfaUser {
  id: string;
  email: string;
  displayName?: string | null;
}

export function securityLink(): string {
  return new URL("/account/security", config().publicUrl).toString();
}

export function resetLink(): string {
  return new URL("/forgot-password", config().publicUrl).toString();
}

/** How a factor is named to its owner (mails, the reset page): passkeys by the name they were given. */
export function describeFactor(f: { type: string; label: string }): string {
  return f.type === "passkey" ? `Passkey “${f.label}”` : f.label;
}

export const RECOVERY_CODES_LABEL = "Recovery codes";

/** Refuses to add a sign-in method to an account whose address is not verified (read fresh from the database). */
export async function requireVerifiedEmail(userId: string, tx?: Tx): Promise<void> {
  if (!(await isEmailVerified(userId, tx))) {
    throw new MfaError("email_unverified", "Verify your email address first: open the link we emailed you, then add a passkey or a second step.");
  }
}

/** Mails the owner that sign-in methods were added, removed or replaced (inside the change's transaction). */
export async function mailMethodChange(user: MfaUser, change: "added" | "removed" | "recovery_codes_replaced", methods: string[], tx: Tx): Promise<void> {
  await enqueueMail({ to: user.email, template: "sign-in-method-changed", data: { change, methods, securityLink: securityLink(), resetLink: resetLink(), name: user.displayName ?? undefined } }, tx);
}

/** `activate` makes the factor active in `tx` and returns its id; `method` names it to the owner, `kind` to subscribers (user.factor_added). */
export async function activateFactor(user: MfaUser, action: string, kind: "totp" | "passkey" | "sms", method: string, ctx: RequestContext, activate: (tx: Tx) => Promise<string>): Promise<{ recoveryCodes: string[] | null }> {
  await requireVerifiedEmail(user.id);
  const firstFactor = (await countConfirmedFactors(user.id)) === 0;
  const codes = firstFactor ? Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode) : null;
  await withTransaction(async (tx) => {
    const factorId = await activate(tx);
    if (codes) await replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), tx);
    await recordAudit({ actor: { type: "user", id: user.id }, action, target: { type: "user", id: user.id }, result: "success", context: ctx, details: { factorId, recoveryCodesIssued: Boolean(codes) } }, tx);
    await emitIdentityEvent({ type: "user.factor_added", userId: user.id, data: { kind, factorId } }, tx);
    if (codes) await emitIdentityEvent({ type: "user.factor_added", userId: user.id, data: { kind: "recovery_codes" } }, tx);
    if (firstFactor) await enqueueMail({ to: user.email, template: "two-step-changed", data: { enabled: true, securityLink: securityLink(), name: user.displayName ?? undefined } }, tx);
    else await mailMethodChange(user, "added", [method], tx);
  });
  kickOutbox();
  return { recoveryCodes: codes };
}
