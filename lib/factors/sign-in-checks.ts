// What the second step of a sign-in (lib/sign-in) asks of the factors: is this TOTP code right
// (each time step accepted once), was the texted code's phone used, spend a recovery code, and tell
// the owner a recovery code was used.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { enqueueMail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { securityLink, type MfaUser } from "./activation";
import { countUnusedRecoveryCodes, listConfirmedFactors, markFactorUsed, recordFactorUse, spendRecoveryCode } from "./factors.repo";
import { normaliseRecoveryCode, recoveryCodeHash } from "./recovery-codes";
import { verifyTotp } from "./totp";
import { openTotpSecret } from "./totp-enrolment";

/** A code from one of the user's authenticator apps; its time step is then used up. */
export async function checkTotpCode(userId: string, code: string, now: Date): Promise<boolean> {
  const digits = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(digits)) return false;
  for (const factor of await listConfirmedFactors(userId)) {
    if (factor.type !== "totp" || !factor.secretSealed) continue;
    const step = await verifyTotp(openTotpSecret(factor.secretSealed), digits, { afterStep: factor.lastUsedStep, now });
    if (step !== null && (await recordFactorUse(factor.id, step, now))) return true;
  }
  return false;
}

/** The account's phone number for codes (one per account: sms-enrolment.ts). */
export async function smsFactorOf(userId: string) {
  return (await listConfirmedFactors(userId)).find((f) => f.type === "sms" && f.phone);
}

/** A texted code was accepted: the phone factor counts as used. */
export async function markSmsFactorUsed(userId: string, now: Date): Promise<void> {
  const factor = await smsFactorOf(userId);
  if (factor) await markFactorUsed(factor.id, now);
}

/** Spends one of the user's recovery codes (false for a wrong, used or malformed one). */
export async function spendSignInRecoveryCode(userId: string, code: string, now: Date): Promise<boolean> {
  if (!normaliseRecoveryCode(code)) return false;
  return spendRecoveryCode(userId, recoveryCodeHash(code), now);
}

/** A recovery code opened a sign-in: audited, and the owner is told how many are left. */
export async function reportRecoveryCodeUse(userId: string, owner: MfaUser | null, ctx: RequestContext): Promise<void> {
  const remaining = await countUnusedRecoveryCodes(userId);
  await recordAudit({ actor: { type: "user", id: userId }, action: "mfa.recovery_code_used", target: { type: "user", id: userId }, result: "success", context: ctx, details: { remaining } });
  if (owner) {
    await enqueueMail({ to: owner.email, template: "recovery-code-used", data: { remaining, securityLink: securityLink(), name: owner.displayName ?? undefined } });
    kickOutbox();
  }
}
