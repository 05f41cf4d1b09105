// The applications a person let in, as their copy of their data lists them (lib/privacy): the
// remembered consents and the grants that still hold a usable token, and what progressive profiling
// keeps per application (sign-ins counted, questions skipped). No token or code hash is read.
import "server-only";
import { listConsentsOfUser, listLiveGrantsOfUser } from "./oidc.repo";
import { listProfilingRowsOfUser } from "./profiling.repo";

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

export interface ProfilingView {
  /** Authorizations completed per application (counted only for applications with a "from the Nth sign-in" rule). */
  signIns: { clientId: string; count: number; lastAt: Date }[];
  /** "Not now" answers: `question` is an attribute's name or `purpose:<key>`. */
  skippedQuestions: { clientId: string; question: string; skippedAt: Date }[];
}

export async function profilingForExport(userId: string): Promise<ProfilingView> {
  const { signIns, skips } = await listProfilingRowsOfUser(userId);
  return {
    signIns: signIns.map((s) => ({ clientId: s.clientId, count: s.count, lastAt: s.lastAt })),
    skippedQuestions: skips.map((s) => ({ clientId: s.clientId, question: s.attribute, skippedAt: s.skippedAt })),
  };
}
