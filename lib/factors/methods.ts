// Which second factors an account has, and which of them a sign-in may ask for.
import "server-only";
import { countConfirmedFactors, countUnusedRecoveryCodes, listConfirmedFactors } from "./factors.repo";

export type SecondFactorMethod = "totp" | "recovery" | "email" | "sms" | "passkey";
/** Methods whose code Portico sends for the sign-in. */
export type SentCodeChannel = Extract<SecondFactorMethod, "email" | "sms">;

/** Second-step methods that withstand phishing and SIM swaps (the risk engine's "strong" factor). */
export const STRONG_METHODS: readonly SecondFactorMethod[] = ["passkey", "totp"];

export async function hasSecondFactor(userId: string): Promise<boolean> {
  return (await countConfirmedFactors(userId)) > 0;
}

export interface SecondStepOptions {
  /** The application the sign-in is for offers an emailed code even to people with a stronger factor. */
  emailCodeWithStrongFactor?: boolean;
}

/**
 * The ways this user can pass the second step, strongest first; `allowed` (a pending sign-in's,
 * set by the risk engine) narrows them. An emailed code needs no enrolment, but it is offered only
 * to accounts without a passkey, authenticator app or phone number (unless the application widened
 * it): the password-reset link goes to the same mailbox, so a code there adds nothing against
 * someone who holds the mailbox, and would make a stolen mailbox a full takeover. A text message
 * counts: weaker than an app against SIM swaps, but a second channel the mailbox does not open.
 */
export async function secondStepMethods(userId: string, allowed: readonly string[] = [], opts: SecondStepOptions = {}): Promise<SecondFactorMethod[]> {
  const [factors, recoveryCodesLeft] = await Promise.all([listConfirmedFactors(userId), countUnusedRecoveryCodes(userId)]);
  const methods: SecondFactorMethod[] = [];
  if (factors.some((f) => f.type === "passkey" && !f.flaggedAt)) methods.push("passkey");
  if (factors.some((f) => f.type === "totp")) methods.push("totp");
  if (factors.some((f) => f.type === "sms")) methods.push("sms");
  if (methods.length === 0 || opts.emailCodeWithStrongFactor) methods.push("email");
  if (recoveryCodesLeft > 0) methods.push("recovery");
  return allowed.length ? methods.filter((m) => allowed.includes(m)) : methods;
}

/** The account's factors and recovery codes left, for its security page. */
export async function securityOverview(userId: string) {
  const [factors, recoveryCodesLeft] = await Promise.all([listConfirmedFactors(userId), countUnusedRecoveryCodes(userId)]);
  return {
    factors: factors.map((f) => ({ id: f.id, type: f.type, label: f.label, createdAt: f.createdAt, lastUsedAt: f.lastUsedAt, flaggedAt: f.flaggedAt })),
    recoveryCodesLeft,
  };
}
