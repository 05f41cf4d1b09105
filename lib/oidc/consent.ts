// Remembered consent per user and client (the union of scopes granted so far); withdrawable.
import "server-only";
import { findClientByClientId } from "@/lib/applications";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { kickOutbox } from "@/lib/outbox";
import { adminActor, adminTarget, mailAdminChange, UserError, type Actor } from "@/lib/users";
import { isKnownScope, SCOPE_DESCRIPTIONS } from "./scopes.schema";
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
export async function withdrawApplicationConsent(userId: string, clientId: string, ctx: RequestContext): Promise<void> {
  await withTransaction(async (tx) => {
    await revokeConsentRecord(userId, clientId, tx);
    const { count } = await revokeGrantsOfUserAndClient(userId, clientId, "consent_withdrawn", tx);
    await recordAudit({ actor: { type: "user", id: userId }, action: "consent.withdrawn", target: { type: "client", id: clientId }, result: "success", context: ctx, details: { grantsRevoked: count } }, tx);
  });
}

/**
 * An administrator removes an application's access to a customer (users:write, for this customer:
 * lib/users checks the segment): the consent and every grant (refresh tokens included), as the
 * owner's own withdrawal does; the application must ask again. Audited on the customer, who is mailed.
 */
export async function revokeApplicationAccessByAdmin(actor: Actor, userId: string, clientId: string, ctx: RequestContext): Promise<{ grantsRevoked: number }> {
  const user = await adminTarget(actor, "users:write", userId);
  const application = (await findClientByClientId(clientId))?.name ?? clientId;
  const done = await withTransaction(async (tx) => {
    const consents = await revokeConsentRecord(userId, clientId, tx);
    const { count } = await revokeGrantsOfUserAndClient(userId, clientId, "revoked_by_admin", tx);
    if (consents.count === 0 && count === 0) throw new UserError("no_change", "This application has no access to the account.");
    await recordAudit({ actor: adminActor(actor), action: "consent.withdrawn_by_admin", target: { type: "user", id: userId }, result: "success", context: ctx, details: { clientId, grantsRevoked: count } }, tx);
    await mailAdminChange(user, "application_removed", tx, { application });
    return { grantsRevoked: count };
  });
  kickOutbox();
  return done;
}

export function listConsents(userId: string) {
  return listConsentsOfUser(userId);
}

/** An application the user allowed, as the portal lists it. */
export interface ConnectedApplication {
  clientId: string;
  /** The registered name; the client_id when the application is gone. */
  name: string;
  allowedAt: Date;
  /** What each allowed scope lets it do, in words (unknown scopes as they are). */
  permissions: string[];
}

/** The applications the user allowed (consent records), newest first: /account/apps and /account/sessions. */
export async function connectedApplications(userId: string): Promise<ConnectedApplication[]> {
  const consents = await listConsentsOfUser(userId);
  return Promise.all(
    consents.map(async (c) => ({
      clientId: c.clientId,
      name: (await findClientByClientId(c.clientId))?.name ?? c.clientId,
      allowedAt: c.updatedAt,
      permissions: c.scopes.map((s) => (isKnownScope(s) ? SCOPE_DESCRIPTIONS[s] : s)),
    })),
  );
}
