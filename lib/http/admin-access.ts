// The admin console's bar, as one pure decision (guards.ts applies it to pages and server actions):
// - an administrative role (each page and action checks its permission; the domain functions again);
// - a strong second factor enrolled: a passkey or an authenticator app (not a phone: SIM swaps, and
//   not an emailed code: a mailbox is not a second factor for the person who runs the identity system);
// - a two-factor session: its amr (RFC 8176) includes "mfa", so the password alone never opens it;
// - for sensitive actions, a sign-in from the last 15 minutes (the security page's sudo mode), so a
//   stolen or forgotten session cannot rotate keys or secrets or change the risk policy.
export const RECENT_SIGN_IN_MINUTES = 15;

export type AdminAccess = "ok" | "forbidden" | "needs_strong_factor" | "needs_mfa_session" | "needs_recent_sign_in";

export interface AdminAccessInput {
  /** Holds an administrative role (lib/users isConsoleUser); each page and action checks its permission. */
  isConsoleUser: boolean;
  amr: readonly string[];
  authTime: Date;
  hasStrongFactor: boolean;
}

export function isRecentSignIn(authTime: Date, now = new Date()): boolean {
  return now.getTime() - authTime.getTime() <= RECENT_SIGN_IN_MINUTES * 60_000;
}

export function adminAccess(s: AdminAccessInput, opts: { recentSignIn?: boolean; now?: Date } = {}): AdminAccess {
  if (!s.isConsoleUser) return "forbidden";
  if (!s.hasStrongFactor) return "needs_strong_factor";
  if (!s.amr.includes("mfa")) return "needs_mfa_session";
  if (opts.recentSignIn && !isRecentSignIn(s.authTime, opts.now)) return "needs_recent_sign_in";
  return "ok";
}
