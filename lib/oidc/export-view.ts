// The applications a person let in, as their copy of their data lists them (lib/privacy): the
// remembered consents and the grants that still hold a usable token. No token or code hash is read.
import "server-only";
import { listConsentsOfUser, listLiveGrantsOfUser } from "./oidc.repo";

export interface ConsentView {
  clientId: string;
  scopes: string[];
  givenAt: Date;
  updatedAt: Date;
}

export interface GrantView {
  clientId: string;
  scopes: string[];
  grantedAt: Date;
  /** When the person last proved who they were for it (auth_time). */
  authenticatedAt: Date | null;
  /** The latest expiry among its unused refresh tokens, and among its access tokens; null when it holds none of that kind. */
  refreshTokenExpiresAt: Date | null;
  accessTokenExpiresAt: Date | null;
}

export async function consentsForExport(userId: string): Promise<ConsentView[]> {
  const rows = await listConsentsOfUser(userId);
  return rows.map((c) => ({ clientId: c.clientId, scopes: c.scopes, givenAt: c.createdAt, updatedAt: c.updatedAt }));
}

export async function liveGrantsForExport(userId: string, now = new Date()): Promise<GrantView[]> {
  const rows = await listLiveGrantsOfUser(userId, now);
  return rows.map((g) => ({
    clientId: g.clientId,
    scopes: g.scope.split(" ").filter(Boolean),
    grantedAt: g.createdAt,
    authenticatedAt: g.authTime,
    refreshTokenExpiresAt: g.refreshTokenExpiresAt,
    accessTokenExpiresAt: g.accessTokenExpiresAt,
  }));
}
