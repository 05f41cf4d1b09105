// Single-use, expiring tokens sent by mail. 256 random bits in the link; only SHA-256 is stored,
// so the table is useless to someone who reads it.
import "server-only";
import crypto from "node:crypto";
import type { Tx } from "@/lib/db";
import { findUsableUserToken, insertUserToken, redeemUserToken, retireUserTokens } from "./user-tokens.repo";

export type TokenPurpose = "verify_email" | "reset_password" | "unlock" | "not_me";

export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  verify_email: 24 * 3600,
  reset_password: 3600,
  unlock: 24 * 3600,
  // The "this wasn't me" link of a new-sign-in mail: someone may read their mail days later.
  not_me: 7 * 24 * 3600,
};

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export async function issueUserToken(
  userId: string,
  purpose: TokenPurpose,
  opts: { email?: string; now?: Date; tx?: Tx } = {},
): Promise<string> {
  const now = opts.now ?? new Date();
  const token = crypto.randomBytes(32).toString("base64url");
  await retireUserTokens(userId, purpose, now, opts.tx);
  await insertUserToken(
    {
      userId,
      purpose,
      tokenHash: hashToken(token),
      email: opts.email,
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_SECONDS[purpose] * 1000),
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
