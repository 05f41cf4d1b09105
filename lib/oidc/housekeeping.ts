// Expired authorization requests, codes, tokens, revocation entries and device authorizations are
// deleted by the janitor (lib/startup), so the protocol tables hold live state only.
import "server-only";
import { deleteExpiredProtocolState } from "./oidc.repo";

export function purgeExpiredProtocolState(now = new Date()): Promise<Record<string, number>> {
  return deleteExpiredProtocolState(now);
}
