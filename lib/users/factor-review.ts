// Which sign-in methods a recovery (password reset, "this wasn't me") removes. The person
// recovering proves one thing: they hold the mailbox. So the methods removed are those added since
// the owner last had a fair chance to notice them from that mailbox, "since the last verified
// sign-in" made concrete:
// - anything added while the address was unverified (whoever added it never proved the address:
//   the pre-account hijack), and
// - anything added in the last RECENT_METHOD_DAYS days (every factor added is mailed to the owner;
//   an intruder who got in with the password adds theirs just before the owner reacts).
// Older methods stay unless the owner asks for all to go: removing them by default would let
// someone who took over the mailbox alone strip a long-standing passkey or authenticator app and
// walk in, which is what refusing the emailed code to such accounts prevents.
import "server-only";
import type { SignInMethod } from "@/lib/factors";

export const RECENT_METHOD_DAYS = 14;

export interface MethodReview {
  /** Removed by the recovery. */
  recent: SignInMethod[];
  /** Kept unless the owner ticks "also remove all my other sign-in methods". */
  others: SignInMethod[];
  /** Methods added after this are "recent". */
  recentSince: Date;
}

export function reviewSignInMethods(methods: readonly SignInMethod[], account: { emailVerifiedAt: Date | null }, now = new Date()): MethodReview {
  const window = new Date(now.getTime() - RECENT_METHOD_DAYS * 24 * 3600_000);
  const verifiedAt = account.emailVerifiedAt;
  const recentSince = verifiedAt && verifiedAt > window ? verifiedAt : window;
  const isRecent = (m: SignInMethod) => !verifiedAt || m.createdAt < verifiedAt || m.createdAt > recentSince;
  return { recent: methods.filter(isRecent), others: methods.filter((m) => !isRecent(m)), recentSince };
}
