// New recovery codes on request (the security page), replacing every old one, used or not.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { kickOutbox } from "@/lib/outbox";
import { mailMethodChange, RECOVERY_CODES_LABEL, requireVerifiedEmail, type MfaUser } from "./activation";
import { MfaError } from "./factors.errors";
import { replaceRecoveryCodes, withTransaction } from "./factors.repo";
import { hasSecondFactor } from "./methods";
import { newRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash } from "./recovery-codes";

/** New recovery codes replace all old ones (used or not). Only with two-step verification on. */
export async function regenerateRecoveryCodes(user: MfaUser, ctx: RequestContext): Promise<string[]> {
  if (!(await hasSecondFactor(user.id))) throw new MfaError("not_found", "Turn on two-step verification first.");
  await requireVerifiedEmail(user.id);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await withTransaction(async (tx) => {
    await replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), tx);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.recovery_codes_regenerated", target: { type: "user", id: user.id }, result: "success", context: ctx }, tx);
    await mailMethodChange(user, "recovery_codes_replaced", [RECOVERY_CODES_LABEL], tx);
    // A new set replaces the old: subscribers see the new one added (kind recovery_codes, no factorId).
    await emitIdentityEvent({ type: "user.factor_added", userId: user.id, data: { kind: "recovery_codes" } }, tx);
  });
  kickOutbox();
  return codes;
}
