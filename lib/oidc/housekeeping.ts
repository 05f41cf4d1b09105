// Expired authorization requests, codes, tokens, revocation entries and device authorizations are
// deleted by the janitor (lib/startup), so the protocol tables hold live state only.
import "server-only";
import { deleteExpiredProtocolState, deleteProtocolDataOfUser, type Tx } from "./oidc.repo";

export function purgeExpiredProtocolState(now = new Date()): Promise<Record<string, number>> {
  return deleteExpiredProtocolState(now);
}

/** Part of erasing an account, in its transaction: every grant, code, token, consent and pending request of the user. */
export function eraseProtocolDataOf(userId: string, tx: Tx): Promise<number> {
  return deleteProtocolDataOfUser(userId, tx);
}
