// The pending sign-in that waits for the second factor after the password. It is not a session:
// it only lets its holder try a second factor, at most MAX_ATTEMPTS times within
// PENDING_LIFETIME_MINUTES. Its token travels in a cookie lib/http sets.
import "server-only";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { isRandomToken } from "@/lib/formats";
import { MfaError, secondStepMethods, type SecondFactorMethod, type SentCodeChannel } from "@/lib/factors";
import { findPendingSignIn, insertPendingSignIn } from "./sign-in.repo";

export const PENDING_LIFETIME_MINUTES = 10;
export const MAX_ATTEMPTS = 5;

export const EXPIRED_MESSAGE = "This sign-in has expired. Sign in again.";

/** After the first factor: a short-lived pending sign-in (the token goes into a cookie). */
export async function beginPendingSignIn(
  userId: string,
  next: string,
  amr: string[],
  now = new Date(),
  opts: { riskAssessmentId?: string; methods?: readonly SecondFactorMethod[]; emailCodeWithStrongFactor?: boolean; awaitingAcceptance?: boolean; linkedIdentityId?: string | null } = {},
): Promise<string> {
  const token = randomToken(32);
  await insertPendingSignIn({
    tokenHash: sha256Hex(token),
    userId,
    amr,
    next,
    expiresAt: new Date(now.getTime() + PENDING_LIFETIME_MINUTES * 60_000),
    riskAssessmentId: opts.riskAssessmentId ?? null,
    methods: [...(opts.methods ?? [])],
    emailCodeWithStrongFactor: opts.emailCodeWithStrongFactor ?? false,
    awaitingAcceptance: opts.awaitingAcceptance ?? false,
    linkedIdentityId: opts.linkedIdentityId ?? null,
  });
  return token;
}

export async function findPendingSecondStep(token: string | undefined | null, now = new Date()) {
  if (!token || !isRandomToken(token)) return null;
  const pending = await findPendingSignIn(sha256Hex(token));
  // A sign-in waiting for the acceptance of new terms has no second step left (terms-acceptance.ts).
  if (!pending || pending.awaitingAcceptance || pending.expiresAt <= now || pending.attempts >= MAX_ATTEMPTS) return null;
  return {
    userId: pending.userId,
    next: pending.next,
    amr: pending.amr,
    /** Empty: any of the user's methods. */
    methods: pending.methods,
    /** The application offers an emailed code even to people with a stronger factor. */
    emailCodeWithStrongFactor: pending.emailCodeWithStrongFactor,
    riskAssessmentId: pending.riskAssessmentId,
    linkedIdentityId: pending.linkedIdentityId,
    attemptsLeft: MAX_ATTEMPTS - pending.attempts,
    sentCode:
      pending.codeHash && pending.codeExpiresAt && pending.codeChannel
        ? { channel: pending.codeChannel as SentCodeChannel, hash: pending.codeHash, expiresAt: pending.codeExpiresAt, sentAt: pending.codeSentAt }
        : null,
  };
}

export type PendingSecondStep = NonNullable<Awaited<ReturnType<typeof findPendingSecondStep>>>;

/** The ways this pending sign-in may finish (the risk engine's narrowing and the application's widening applied). */
export function methodsOfPendingSignIn(pending: PendingSecondStep): Promise<SecondFactorMethod[]> {
  return secondStepMethods(pending.userId, pending.methods, { emailCodeWithStrongFactor: pending.emailCodeWithStrongFactor });
}

/** An emailed code is a second step only where secondStepMethods offers it (checked again at send and at verify). */
export async function requireEmailCodeAllowed(pending: PendingSecondStep): Promise<void> {
  if (!(await methodsOfPendingSignIn(pending)).includes("email")) {
    throw new MfaError("not_found", "This account has a stronger way to verify than an emailed code: use your passkey, authenticator app, phone or a recovery code.");
  }
}
