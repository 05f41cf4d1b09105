// The account's sign-in methods as its owner's copy of their data lists them (lib/privacy):
// metadata only. Secrets stay out at the source: the repo selects no seed, key, credential id,
// code or hash, so nothing here could leak one.
import "server-only";
import { countRecoveryCodes, listFactorMetadata, listTrustedBrowserMetadata } from "./factors.repo";

export interface SignInMethodsView {
  factors: { kind: string; label: string; addedAt: Date; lastUsedAt: Date | null; confirmedAt: Date | null; blockedAt: Date | null }[];
  recoveryCodes: { exist: boolean; remaining: number };
}

export interface TrustedBrowserView {
  userAgent: string | null;
  addedAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
}

export async function signInMethodsForExport(userId: string): Promise<SignInMethodsView> {
  const [factors, codes] = await Promise.all([listFactorMetadata(userId), countRecoveryCodes(userId)]);
  return {
    factors: factors.map((f) => ({ kind: f.type, label: f.label, addedAt: f.createdAt, lastUsedAt: f.lastUsedAt, confirmedAt: f.confirmedAt, blockedAt: f.flaggedAt })),
    recoveryCodes: { exist: codes.total > 0, remaining: codes.unused },
  };
}

export async function trustedBrowsersForExport(userId: string, now = new Date()): Promise<TrustedBrowserView[]> {
  const rows = await listTrustedBrowserMetadata(userId, now);
  return rows.map((r) => ({ userAgent: r.userAgent, addedAt: r.createdAt, lastUsedAt: r.lastUsedAt, expiresAt: r.expiresAt }));
}
