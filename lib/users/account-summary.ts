// The account as its owner sees it in a copy of their data (lib/privacy): the record's facts and
// its status in words, never the password hash (only whether one is set, and when it changed).
import "server-only";
import type { RegistrationConsent } from "@/lib/consents";
import { findAccountSummaryRow } from "./users.repo";

export type AccountStatus = "active" | "locked" | "disabled";

export interface AccountSummary {
  id: string;
  email: string;
  emailVerifiedAt: Date | null;
  displayName: string | null;
  createdAt: Date;
  lastSignInAt: Date | null;
  status: AccountStatus;
  password: { set: boolean; changedAt: Date | null };
  /** The purposes ticked on the registration form, given once the address is verified; null when none wait. */
  pendingConsents: { at: Date; consents: RegistrationConsent[] } | null;
}

export async function getAccountSummary(userId: string, now = new Date()): Promise<AccountSummary | null> {
  const row = await findAccountSummaryRow(userId);
  if (!row) return null;
  const status: AccountStatus = row.disabledAt ? "disabled" : row.lockedUntil && row.lockedUntil > now ? "locked" : "active";
  return {
    id: row.id,
    email: row.email,
    emailVerifiedAt: row.emailVerifiedAt,
    displayName: row.displayName,
    createdAt: row.createdAt,
    lastSignInAt: row.lastLoginAt,
    status,
    password: { set: row.passwordSet, changedAt: row.passwordChangedAt },
    pendingConsents: row.pendingConsents ? { at: new Date(row.pendingConsents.at), consents: row.pendingConsents.consents.map(({ purpose, version }) => ({ purpose, version })) } : null,
  };
}
