// What every way of adding a factor shares: the factor becomes active inside one transaction with
// its audit event, and the first factor of an account turns two-step verification on (recovery
// codes, returned once; a mail to the owner).
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { config } from "@/lib/config";
import { enqueueMail, kickMailWorker } from "@/lib/mail";
import { newRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash } from "./recovery-codes";
import { countConfirmedFactors, replaceRecoveryCodes, withTransaction, type Tx } from "./mfa.repo";

export interface MfaUser {
  id: string;
  email: string;
  displayName?: string | null;
}

export function securityLink(): string {
  return new URL("/account/security", config().publicUrl).toString();
}

/** `activate` makes the factor active in `tx` and returns its id. */
export async function activateFactor(user: MfaUser, action: string, ctx: RequestContext, activate: (tx: Tx) => Promise<string>): Promise<{ recoveryCodes: string[] | null }> {
  const firstFactor = (await countConfirmedFactors(user.id)) === 0;
  const codes = firstFactor ? Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode) : null;
  await withTransaction(async (tx) => {
    const factorId = await activate(tx);
    if (codes) await replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), tx);
    await recordAudit({ actor: { type: "user", id: user.id }, action, target: { type: "user", id: user.id }, result: "success", context: ctx, details: { factorId, recoveryCodesIssued: Boolean(codes) } }, tx);
    if (firstFactor) await enqueueMail({ to: user.email, template: "two-step-changed", data: { enabled: true, securityLink: securityLink(), name: user.displayName ?? undefined } }, tx);
  });
  if (firstFactor) kickMailWorker();
  return { recoveryCodes: codes };
}
