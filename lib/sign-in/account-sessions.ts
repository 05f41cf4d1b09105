// The owner's view of their sessions (the portal's /account/sessions): each live session with its
// device (lib/formats user-agent parser) and approximate place (the risk engine's geo-IP lookup),
// and ending one of them. Ending a session is a sign-out of that browser: its grants are revoked
// (offline_access excepted, as at any sign-out) and its applications told over the back channel
// (lib/oidc), in the transaction that ends it.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { describeUserAgent } from "@/lib/formats";
import { endSessionApplicationsIn, prepareSessionLogout } from "@/lib/oidc";
import { kickOutbox } from "@/lib/outbox";
import { placeOfIp } from "@/lib/risk";
import { endSessionOfOwner, sessionsOfOwner } from "@/lib/sessions";
import { withTransaction } from "./sign-in.repo";

export interface AccountSessionView {
  id: string;
  browser: string | null;
  system: string | null;
  /** "Madrid, ES", or null when unknown (a private address, no geo-IP data). */
  place: string | null;
  ip: string | null;
  startedAt: Date;
  lastActiveAt: Date;
  /** The session this page was asked from. */
  current: boolean;
}

/** The user's live sessions, the current one first, then by last activity. */
export async function listAccountSessions(userId: string, currentSessionId: string): Promise<AccountSessionView[]> {
  const sessions = await sessionsOfOwner(userId);
  return sessions
    .map((s) => ({ id: s.id, ...describeUserAgent(s.userAgent), place: placeOfIp(s.ip), ip: s.ip, startedAt: s.createdAt, lastActiveAt: s.lastSeenAt, current: s.id === currentSessionId }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/**
 * The owner signs one of their sessions out. lib/sessions refuses a session that is not theirs
 * (SessionError "session_not_found", the same as an unknown one), which rolls the grants back too.
 */
export async function signOutSession(ownerId: string, sessionId: string, ctx: RequestContext, now = new Date()): Promise<{ applicationsNotified: number; grantsRevoked: number }> {
  // Signed before the transaction; only the owner's grants, so a foreign id has nothing to sign.
  const logout = await prepareSessionLogout(sessionId, now, { userId: ownerId });
  const done = await withTransaction(async (tx) => {
    await endSessionOfOwner(ownerId, sessionId, "signed_out_from_portal", ctx, tx, now);
    return endSessionApplicationsIn(logout, ctx, tx);
  });
  if (done.notified.length) kickOutbox();
  return { applicationsNotified: done.notified.length, grantsRevoked: done.revokedGrants };
}
