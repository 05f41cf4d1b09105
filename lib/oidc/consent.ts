// Remembered consent per user and client (the union of scopes granted so far); withdrawable.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { findConsent, listConsentsOfUser, revokeConsentRecord, revokeGrantsOfUserAndClient, upsertConsent, withTransaction } from "./oidc.repo";

export async function grantConsent(userId: string, clientId: string, scopes: string[], ctx: RequestContext): Promise<void> {
  const existing = await findConsent(userId, clientId);
  const merged = [...new Set([...(existing && !existing.revokedAt ? existing.scopes : []), ...scopes])];
  await withTransaction(async (tx) => {
    await upsertConsent(userId, clientId, merged, tx);
    await recordAudit({ actor: { type: "user", id: userId }, action: "consent.granted", target: { type: "client", id: clientId }, result: "success", context: ctx, details: { scopes: merged } }, tx);
  });
}

/** Withdrawing consent also revokes every grant (and so every token) the client holds for the user. */
export async function withdrawConsent(userId: string, clientId: string, ctx: RequestContext): Promise<void> {
  await withTransaction(async (tx) => {
    await revokeConsentRecord(userId, clientId, tx);
    const { count } = await revokeGrantsOfUserAndClient(userId, clientId, "consent_withdrawn", tx);
    await recordAudit({ actor: { type: "user", id: userId }, action: "consent.withdrawn", target: { type: "client", id: clientId }, result: "success", context: ctx, details: { grantsRevoked: count } }, tx);
  });
}

export function listConsents(userId: string) {
  return listConsentsOfUser(userId);
}
