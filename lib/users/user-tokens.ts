// Single-use, expiring tokens sent by mail. 256 random bits in the link; only SHA-256 is stored,
// so the table is useless to someone who reads it.
import "server-only";
import crypto from "node:crypto";
import type { Tx } from "@/lib/db";
import { findNewestUsableUserToken, findUsableUserToken, insertUserToken, liveTokenForAddressExists, redeemUserToken, retireUserTokens } from "./user-tokens.repo";

export type TokenPurpose = "verify_email" | "reset_password" | "unlock" | "not_me" | "change_email" | "cancel_email_change" | "cancel_deletion" | "invitation";

export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  verify_email: 24 * 3600,
  reset_password: 3600,
  unlock: 24 * 3600,
  // The "this wasn't me" link of a new-sign-in mail: someone may read their mail days later.
  not_me: 7 * 24 * 3600,
  // Sent to the new address (`email` holds it): the change happens when it is confirmed.
  change_email: 24 * 3600,
  // Sent to the old address (`email` holds it): cancels a pending change, or switches back within the window.
  cancel_email_change: 7 * 24 * 3600,
  // Sent when the owner asks for deletion: it lives until the erasure (issued with that time as `expiresAt`).
  cancel_deletion: 30 * 24 * 3600,
  // An administrator created the account (admin-user-create.ts): the owner sets the password with it.
  invitation: 72 * 3600,
};

/**
 * A new link normally retires the older ones of its purpose. Not these: each email change gives
 * the address it leaves its own way back, and a later change (by an intruder, to an address they
 * hold) must not take the earlier owner's away.
 */
const KEEPS_EARLIER_LINKS: ReadonlySet<TokenPurpose> = new Set(["cancel_email_change"]);

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export async function issueUserToken(
  userId: string,
  purpose: TokenPurpose,
  opts: { email?: string; now?: Date; tx?: Tx; expiresAt?: Date } = {},
): Promise<string> {
  const now = opts.now ?? new Date();
  const token = crypto.randomBytes(32).toString("base64url");
  if (!KEEPS_EARLIER_LINKS.has(purpose)) await retireUserTokens(userId, purpose, now, opts.tx);
  await insertUserToken(
    {
      userId,
      purpose,
      tokenHash: hashToken(token),
      email: opts.email,
      expiresAt: opts.expiresAt ?? new Date(now.getTime() + TOKEN_LIFETIME_SECONDS[purpose] * 1000),
    },
    opts.tx,
  );
  return token;
}

export function redeemToken(token: string, purpose: TokenPurpose, opts: { now?: Date; tx?: Tx } = {}) {
  return redeemUserToken(hashToken(token), purpose, opts.now ?? new Date(), opts.tx);
}

export function peekToken(token: string, purpose: TokenPurpose) {
  return findUsableUserToken(hashToken(token), purpose, new Date());
}

/** Makes every unused link of this purpose worthless (optionally only those issued after `after`). */
export function retireTokens(userId: string, purpose: TokenPurpose, opts: { after?: Date; now?: Date; tx?: Tx } = {}): Promise<number> {
  return retireUserTokens(userId, purpose, opts.now ?? new Date(), opts.tx, opts.after);
}

/** The newest usable link of this purpose for a user (e.g. a pending email change), without redeeming it. */
export function newestUsableToken(userId: string, purpose: TokenPurpose, now = new Date()) {
  return findNewestUsableUserToken(userId, purpose, now);
}

/**
 * An address an account left by an email change stays its owner's while the way back is open:
 * another account taking it (by registering it, or by moving to it) would block the switch back.
 */
export function addressHeldForSwitchBack(email: string, opts: { exceptUserId?: string; tx?: Tx; now?: Date } = {}): Promise<boolean> {
  return liveTokenForAddressExists("cancel_email_change", email, opts.now ?? new Date(), opts.exceptUserId, opts.tx);
}
