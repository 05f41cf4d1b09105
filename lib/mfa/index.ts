// Second factors: passkeys, TOTP (RFC 6238), codes emailed to the account's address or texted to
// its phone number, and recovery codes;
// and the pending sign-in that waits for one after the password. The pending state is not a session: it only lets its holder try a second
// factor, at most MAX_ATTEMPTS times within PENDING_LIFETIME_MINUTES; and per user at most
// ATTEMPTS_PER_USER codes per quarter hour however many fresh sign-ins an attacker who knows the
// password starts (5 guesses per sign-in would otherwise be unlimited).
import "server-only";
import QRCode from "qrcode";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { decryptAtRest, encryptAtRest, randomToken, sha256Hex } from "@/lib/crypto";
import { isRandomToken } from "@/lib/formats";
import { enqueueMail, maskEmail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { maskPhone } from "@/lib/sms";
import { consumeLimit, refundLimit } from "@/lib/ratelimit";
import { MfaError } from "./mfa.errors";
import { factorIdSchema, passkeyNameSchema } from "./mfa.schema";
import { insertPasskey, PASSKEY_AMR, passkeyRegistrationOptions as registrationOptions, verifyPasskeyAssertion, verifyPasskeyRegistration } from "./passkeys";
import { newRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash } from "./recovery-codes";
import { activateFactor, describeFactor, mailMethodChange, RECOVERY_CODES_LABEL, requireVerifiedEmail, securityLink, type MfaUser } from "./activation";
import { SMS_SENDS_PER_USER } from "./sms-enrolment";
import { textCode } from "./sms-codes";
import { newTotpSecret, totpUri, verifyTotp } from "./totp";
import { newOneTimeCode, ONE_TIME_CODE_MINUTES, oneTimeCodeHash, oneTimeCodeMatches, RESEND_AFTER_SECONDS } from "./one-time-code";
import {
  addPendingAttempt,
  confirmFactor,
  countConfirmedFactors,
  countUnusedRecoveryCodes,
  deleteAllFactors,
  deleteFactor,
  deletePendingSignIn,
  deleteRecoveryCodes,
  deleteUnconfirmedFactors,
  findFactorOfUser,
  findOfferDismissal,
  findPendingSignIn,
  insertFactor,
  insertPendingSignIn,
  listConfirmedFactors,
  recordFactorUse,
  replaceRecoveryCodes,
  spendRecoveryCode,
  storeSentCode,
  markFactorUsed,
  upsertOfferDismissal,
  insertTrustedDevice,
  listAllFactors,
  listLiveTrustedDevices,
  recoveryCodesCreatedAt,
  revokeTrustedDevices,
  useTrustedDevice as markTrustedDeviceUsed,
  withTransaction,
  type Tx,
} from "./mfa.repo";

export { MfaError, type MfaErrorCode } from "./mfa.errors";
export { currentTotp, verifyTotp } from "./totp";
export { normaliseRecoveryCode, RECOVERY_CODE_COUNT } from "./recovery-codes";
export { ONE_TIME_CODE_MINUTES } from "./one-time-code";
export { describeFactor, type MfaUser } from "./activation";
export { beginSmsEnrolment, confirmSmsEnrolment, pendingSmsEnrolment, resendSmsEnrolmentCode } from "./sms-enrolment";
export { secondStepInputSchema, factorIdSchema } from "./mfa.schema";
export { deleteExpiredPendingSignIns, deleteExpiredTrustedDevices, deleteExpiredWebAuthnChallenges } from "./mfa.repo";
export { passkeyAuthenticationOptions, verifyPasskeyAssertion, relyingParty, PASSKEY_AMR, CHALLENGE_MINUTES } from "./passkeys";

const SEAL_PURPOSE = "totp-seed";
export const PENDING_LIFETIME_MINUTES = 10;
export const MAX_ATTEMPTS = 5;
const ATTEMPTS_PER_USER = { keyPrefix: "mfa-attempt", points: 10, durationSeconds: 15 * 60 };

/** RFC 8176 method references each way through the second step adds to the first factor's. */
const SECOND_STEP_AMR: Record<SecondFactorMethod, string[]> = { totp: ["otp"], recovery: ["otp"], email: ["otp"], sms: ["sms"], passkey: PASSKEY_AMR };
const EMAIL_SENDS_PER_USER = { keyPrefix: "mfa-email-send", points: 5, durationSeconds: 15 * 60 };

export type SecondFactorMethod = "totp" | "recovery" | "email" | "sms" | "passkey";
/** Methods whose code Portico sends for the sign-in. */
export type SentCodeChannel = Extract<SecondFactorMethod, "email" | "sms">;

// --- Enrolment and management (the account's security page) ----------------------------------------

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

/** A registration challenge for a new passkey: only for an account whose address is verified. */
export async function passkeyRegistrationOptions(user: MfaUser, now = new Date()) {
  await requireVerifiedEmail(user.id);
  return registrationOptions(user, now);
}

/** Second-step methods that withstand phishing and SIM swaps (the risk engine's "strong" factor). */
export const STRONG_METHODS: readonly SecondFactorMethod[] = ["passkey", "totp"];

export async function securityOverview(userId: string) {
  const [factors, recoveryCodesLeft] = await Promise.all([listConfirmedFactors(userId), countUnusedRecoveryCodes(userId)]);
  return {
    factors: factors.map((f) => ({ id: f.id, type: f.type, label: f.label, createdAt: f.createdAt, lastUsedAt: f.lastUsedAt, flaggedAt: f.flaggedAt })),
    recoveryCodesLeft,
  };
}

export interface TotpEnrolment {
  factorId: string;
  /** Base32, shown as text for apps without a camera. */
  secret: string;
  uri: string;
  /** The otpauth URI as an SVG QR code. */
  qrSvg: string;
}

/** Starts TOTP enrolment: an inactive factor until a first code confirms it. Earlier unfinished ones go. */
export async function beginTotpEnrolment(user: MfaUser): Promise<TotpEnrolment> {
  await requireVerifiedEmail(user.id);
  const secret = newTotpSecret();
  const factor = await withTransaction(async (tx) => {
    await deleteUnconfirmedFactors(user.id, tx);
    return insertFactor({ userId: user.id, type: "totp", label: "Authenticator app", secretSealed: encryptAtRest(secret, SEAL_PURPOSE) }, tx);
  });
  const uri = totpUri(secret, user.email, "Portico");
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return { factorId: factor.id, secret, uri, qrSvg };
}

/** The enrolment again (page reload), while it is unconfirmed. */
export async function pendingTotpEnrolment(user: MfaUser, factorId: string): Promise<TotpEnrolment | null> {
  const factor = factorIdSchema.safeParse(factorId).success ? await findFactorOfUser(factorId, user.id) : null;
  if (!factor || factor.confirmedAt || !factor.secretSealed) return null;
  const secret = decryptAtRest(factor.secretSealed, SEAL_PURPOSE);
  const uri = totpUri(secret, user.email, "Portico");
  return { factorId, secret, uri, qrSvg: await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 }) };
}

/**
 * Activates the factor with a first code from the app. The first factor of an account also
 * creates its recovery codes, returned here once and never again.
 */
export async function confirmTotpEnrolment(user: MfaUser, factorId: string, code: string, ctx: RequestContext, now = new Date()): Promise<{ recoveryCodes: string[] | null }> {
  const factor = factorIdSchema.safeParse(factorId).success ? await findFactorOfUser(factorId, user.id) : null;
  if (!factor || factor.confirmedAt || !factor.secretSealed) throw new MfaError("not_found", "This setup has expired. Start again.");
  const step = await verifyTotp(decryptAtRest(factor.secretSealed, SEAL_PURPOSE), code.trim(), { now });
  if (step === null) throw new MfaError("invalid_code", "That code is not right. Check the time on your phone and enter the current code.", "code");
  return activateFactor(user, "mfa.totp_enrolled", describeFactor(factor), ctx, async (tx) => {
    if (!(await confirmFactor(factor.id, step, now, tx))) throw new MfaError("not_found", "This setup has expired. Start again.");
    return factor.id;
  });
}

/**
 * Adds a passkey from a verified registration ceremony (the browser's response to
 * passkeyRegistrationOptions). Like any first factor, the first one brings recovery codes.
 */
export async function registerPasskey(user: MfaUser, response: unknown, name: string, ctx: RequestContext, now = new Date()): Promise<{ recoveryCodes: string[] | null }> {
  const label = passkeyNameSchema.safeParse(name);
  if (!label.success) throw new MfaError("invalid_code", label.error.issues[0]!.message, "name");
  await requireVerifiedEmail(user.id);
  const passkey = await verifyPasskeyRegistration(user.id, response, label.data, ctx, now);
  return activateFactor(user, "mfa.passkey_registered", describeFactor({ type: "passkey", label: passkey.label }), ctx, async (tx) => (await insertPasskey(user.id, passkey, now, tx)).id);
}

/**
 * Removes a factor; removing the last one turns two-step verification off (and its recovery codes).
 * The owner is mailed either way.
 */
export async function removeSecondFactor(user: MfaUser, factorId: string, ctx: RequestContext): Promise<void> {
  const factor = factorIdSchema.safeParse(factorId).success ? await findFactorOfUser(factorId, user.id) : null;
  if (!factor) throw new MfaError("not_found", "This method no longer exists.");
  await withTransaction(async (tx) => {
    if (!(await deleteFactor(factorId, user.id, tx))) throw new MfaError("not_found", "This method no longer exists.");
    const remaining = await countConfirmedFactors(user.id, tx);
    if (remaining === 0) {
      await deleteRecoveryCodes(user.id, tx);
      await revokeTrustedDevices(user.id, new Date(), tx);
    }
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.factor_removed", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { factorId, type: factor.type, remaining } }, tx);
    if (remaining === 0) await enqueueMail({ to: user.email, template: "two-step-changed", data: { enabled: false, securityLink: securityLink(), name: user.displayName ?? undefined } }, tx);
    else if (factor.confirmedAt) await mailMethodChange(user, "removed", [describeFactor(factor)], tx);
  });
  kickOutbox();
}

// --- Recovery: what a password reset or "this wasn't me" reviews and removes ----------------------

export interface SignInMethod {
  /** A factor id, or "recovery-codes". */
  id: string;
  kind: "factor" | "recovery_codes";
  type: string;
  /** As the owner knows it: "Passkey “Work laptop”", "Authenticator app", "Recovery codes". */
  label: string;
  createdAt: Date;
}

export const RECOVERY_CODES_ID = "recovery-codes";

/** Every sign-in method of the account besides the password, oldest first (unfinished enrolments included). */
export async function signInMethodsOf(userId: string, tx?: Tx): Promise<SignInMethod[]> {
  const [factors, codesAt] = await Promise.all([listAllFactors(userId, tx), recoveryCodesCreatedAt(userId, tx)]);
  const methods: SignInMethod[] = factors.map((f) => ({ id: f.id, kind: "factor", type: f.type, label: describeFactor(f), createdAt: f.createdAt }));
  if (codesAt) methods.push({ id: RECOVERY_CODES_ID, kind: "recovery_codes", type: "recovery", label: RECOVERY_CODES_LABEL, createdAt: codesAt });
  return methods;
}

/**
 * Removes these sign-in methods inside a recovery's transaction (the caller decided which, and
 * signs every session out itself): one audit event per method, one mail listing them. Recovery
 * codes go with the last factor. Returns the labels removed.
 */
export async function removeSignInMethods(user: MfaUser, methods: readonly SignInMethod[], reason: string, ctx: RequestContext, tx: Tx): Promise<string[]> {
  const removed: string[] = [];
  for (const m of methods) {
    if (m.kind !== "factor" || !(await deleteFactor(m.id, user.id, tx))) continue;
    removed.push(m.label);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.factor_removed", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { factorId: m.id, type: m.type, reason } }, tx);
  }
  const remaining = await countConfirmedFactors(user.id, tx);
  if ((remaining === 0 || methods.some((m) => m.kind === "recovery_codes")) && (await recoveryCodesCreatedAt(user.id, tx))) {
    await deleteRecoveryCodes(user.id, tx);
    removed.push(RECOVERY_CODES_LABEL);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.recovery_codes_removed", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { reason } }, tx);
  }
  if (removed.length === 0) return removed;
  if (remaining === 0) await enqueueMail({ to: user.email, template: "two-step-changed", data: { enabled: false, securityLink: securityLink(), name: user.displayName ?? undefined } }, tx);
  await mailMethodChange(user, "removed", removed, tx);
  return removed;
}

/**
 * A recovery that removes long-standing methods needs more than the mailbox: one of the recovery
 * codes issued with the first factor (spent inside the recovery's transaction, so a failed
 * recovery keeps it). False for anything else, malformed input included.
 */
export async function spendRecoveryCodeInRecovery(userId: string, code: string | undefined, tx: Tx, now = new Date()): Promise<boolean> {
  if (!code || !normaliseRecoveryCode(code)) return false;
  return spendRecoveryCode(userId, recoveryCodeHash(code), now, tx);
}

/**
 * Turns two-step verification off for an owner who lost every factor and proved who they are
 * another way: all factors, recovery codes and trusted browsers go, in one transaction, audited
 * as done by `by`, and the owner is mailed. The caller authorises `by` (lib/users checks the role).
 */
export async function resetSecondFactors(user: MfaUser, by: { type: "user"; id: string }, ctx: RequestContext, now = new Date()): Promise<{ removed: number }> {
  const removed = await withTransaction(async (tx) => {
    const count = await deleteAllFactors(user.id, tx);
    await deleteRecoveryCodes(user.id, tx);
    await revokeTrustedDevices(user.id, now, tx);
    await recordAudit({ actor: by, action: "mfa.reset_by_admin", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { factorsRemoved: count } }, tx);
    await enqueueMail({ to: user.email, template: "two-step-changed", data: { enabled: false, byAdministrator: true, securityLink: securityLink(), name: user.displayName ?? undefined } }, tx);
    return count;
  });
  kickOutbox();
  return { removed };
}

/** New recovery codes replace all old ones (used or not). Only with two-step verification on. */
export async function regenerateRecoveryCodes(user: MfaUser, ctx: RequestContext): Promise<string[]> {
  if (!(await hasSecondFactor(user.id))) throw new MfaError("not_found", "Turn on two-step verification first.");
  await requireVerifiedEmail(user.id);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await withTransaction(async (tx) => {
    await replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), tx);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.recovery_codes_regenerated", target: { type: "user", id: user.id }, result: "success", context: ctx }, tx);
    await mailMethodChange(user, "recovery_codes_replaced", [RECOVERY_CODES_LABEL], tx);
  });
  kickOutbox();
  return codes;
}

// --- Trusted devices: "trust this device for 30 days" after a second step ---------------------------

export const TRUSTED_DEVICE_DAYS = 30;

/** After a successful second step: a token for this browser to keep (its cookie), valid 30 days. */
export async function trustDevice(userId: string, ctx: RequestContext, now = new Date()): Promise<{ token: string; maxAgeSeconds: number }> {
  const token = randomToken(32);
  const maxAgeSeconds = TRUSTED_DEVICE_DAYS * 24 * 3600;
  const device = await insertTrustedDevice({ userId, tokenHash: sha256Hex(token), userAgent: ctx.userAgent?.slice(0, 512) ?? null, expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000) });
  await recordAudit({ actor: { type: "user", id: userId }, action: "mfa.device_trusted", target: { type: "trusted_device", id: device.id }, result: "success", context: ctx });
  return { token, maxAgeSeconds };
}

/** The browser holds a live trusted-device token of this user: it stands in for the second step. */
export async function isTrustedDevice(userId: string, token: string | null | undefined, now = new Date()): Promise<boolean> {
  if (!token || !isRandomToken(token)) return false;
  return markTrustedDeviceUsed(userId, sha256Hex(token), now);
}

export async function trustedDeviceCount(userId: string, now = new Date()): Promise<number> {
  return (await listLiveTrustedDevices(userId, now)).length;
}

/** Inside another change's transaction (a password reset): every trusted browser asks again. */
export function revokeTrustedDevicesOf(userId: string, tx: Tx, now = new Date()): Promise<number> {
  return revokeTrustedDevices(userId, now, tx);
}

/** Every trusted browser asks for the second step again. */
export async function forgetTrustedDevices(user: MfaUser, ctx: RequestContext, now = new Date()): Promise<number> {
  const count = await revokeTrustedDevices(user.id, now);
  await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.trusted_devices_forgotten", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { count } });
  return count;
}

// --- The offer (MFA policy "optional"): after sign-in, at most once a week, skippable ----------------

export const OFFER_INTERVAL_DAYS = 7;

export async function shouldOfferEnrolment(userId: string, now = new Date()): Promise<boolean> {
  if (await hasSecondFactor(userId)) return false;
  const dismissed = await findOfferDismissal(userId);
  return !dismissed || now.getTime() - dismissed.dismissedAt.getTime() >= OFFER_INTERVAL_DAYS * 24 * 3600_000;
}

export async function dismissEnrolmentOffer(userId: string, ctx: RequestContext, now = new Date()): Promise<void> {
  await upsertOfferDismissal(userId, now);
  await recordAudit({ actor: { type: "user", id: userId }, action: "mfa.offer_dismissed", target: { type: "user", id: userId }, result: "success", context: ctx });
}

// --- The second step of a sign-in -------------------------------------------------------------------

/** After the first factor: a short-lived pending sign-in (the token goes into a cookie). */
export async function beginPendingSignIn(
  userId: string,
  next: string,
  amr: string[],
  now = new Date(),
  opts: { riskAssessmentId?: string; methods?: readonly SecondFactorMethod[]; emailCodeWithStrongFactor?: boolean } = {},
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
  });
  return token;
}

export async function findPendingSecondStep(token: string | undefined | null, now = new Date()) {
  if (!token || !isRandomToken(token)) return null;
  const pending = await findPendingSignIn(sha256Hex(token));
  if (!pending || pending.expiresAt <= now || pending.attempts >= MAX_ATTEMPTS) return null;
  return {
    userId: pending.userId,
    next: pending.next,
    amr: pending.amr,
    /** Empty: any of the user's methods. */
    methods: pending.methods,
    /** The application offers an emailed code even to people with a stronger factor. */
    emailCodeWithStrongFactor: pending.emailCodeWithStrongFactor,
    riskAssessmentId: pending.riskAssessmentId,
    attemptsLeft: MAX_ATTEMPTS - pending.attempts,
    sentCode:
      pending.codeHash && pending.codeExpiresAt && pending.codeChannel
        ? { channel: pending.codeChannel as SentCodeChannel, hash: pending.codeHash, expiresAt: pending.codeExpiresAt, sentAt: pending.codeSentAt }
        : null,
  };
}

/**
 * Emails or texts a one-time code for this pending sign-in (replacing any earlier one, whichever
 * way it went). Throttled: one send per RESEND_AFTER_SECONDS per sign-in, and per account
 * EMAIL_SENDS_PER_USER or SMS_SENDS_PER_USER per quarter hour.
 */
export async function sendSignInCode(
  token: string | undefined | null,
  channel: SentCodeChannel,
  user: (id: string) => Promise<MfaUser | null>,
  ctx: RequestContext,
  now = new Date(),
): Promise<{ sentTo: string }> {
  const pending = await findPendingSecondStep(token, now);
  if (!pending) throw new MfaError("expired", "This sign-in has expired. Sign in again.");
  const owner = await user(pending.userId);
  if (!owner) throw new MfaError("expired", "This sign-in has expired. Sign in again.");
  if (pending.methods.length && !pending.methods.includes(channel)) throw new MfaError("not_found", "This sign-in needs a passkey or your authenticator app.");
  if (channel === "email") await requireEmailCodeAllowed(pending);
  const phone = channel === "sms" ? (await smsFactorOf(pending.userId))?.phone : undefined;
  if (channel === "sms" && !phone) throw new MfaError("not_found", "This account has no phone number for codes. Use another method.");
  const sentAgo = pending.sentCode?.sentAt ? (now.getTime() - pending.sentCode.sentAt.getTime()) / 1000 : Infinity;
  if (sentAgo < RESEND_AFTER_SECONDS) throw new MfaError("too_many_attempts", `A code is on its way. You can ask for another in ${Math.ceil(RESEND_AFTER_SECONDS - sentAgo)} seconds.`);
  const wait = await consumeLimit(channel === "sms" ? SMS_SENDS_PER_USER : EMAIL_SENDS_PER_USER, pending.userId);
  if (wait > 0) throw new MfaError("too_many_attempts", `Too many codes sent. Wait ${Math.ceil(wait / 60)} minutes, or use another method.`);
  const tokenHash = sha256Hex(token!);
  const code = newOneTimeCode();
  const stored = await storeSentCode(tokenHash, {
    codeChannel: channel,
    codeHash: oneTimeCodeHash(code, tokenHash),
    codeExpiresAt: new Date(now.getTime() + ONE_TIME_CODE_MINUTES * 60_000),
    codeSentAt: now,
  });
  if (!stored) throw new MfaError("expired", "This sign-in has expired. Sign in again.");
  if (phone) {
    await textCode(phone, code, "sign-in-code");
  } else {
    await enqueueMail({ to: owner.email, template: "sign-in-code", data: { code, minutes: ONE_TIME_CODE_MINUTES, name: owner.displayName ?? undefined } });
    kickOutbox();
  }
  await recordAudit({ actor: { type: "user", id: owner.id }, action: `mfa.${channel}_code_sent`, target: { type: "user", id: owner.id }, result: "success", context: ctx, details: { purpose: "sign-in" } });
  return { sentTo: phone ? maskPhone(phone) : maskEmail(owner.email) };
}

type PendingSecondStep = NonNullable<Awaited<ReturnType<typeof findPendingSecondStep>>>;

/** An emailed code is a second step only where secondStepMethods offers it (checked again at send and at verify). */
async function requireEmailCodeAllowed(pending: PendingSecondStep): Promise<void> {
  const methods = await secondStepMethods(pending.userId, pending.methods, { emailCodeWithStrongFactor: pending.emailCodeWithStrongFactor });
  if (!methods.includes("email")) throw new MfaError("not_found", "This account has a stronger way to verify than an emailed code: use your passkey, authenticator app, phone or a recovery code.");
}

async function smsFactorOf(userId: string) {
  return (await listConfirmedFactors(userId)).find((f) => f.type === "sms" && f.phone);
}

/**
 * Checks the second factor of a pending sign-in. Success consumes the pending state (once) and
 * returns who signed in, where to go, and the session's authentication methods; a wrong code counts
 * an attempt. A recovery code is spent, audited and reported to the owner by email.
 */
export async function completeSecondStep(
  token: string | undefined | null,
  user: (id: string) => Promise<MfaUser | null>,
  input: { method: Exclude<SecondFactorMethod, "passkey">; code: string } | { method: "passkey"; assertion: unknown },
  ctx: RequestContext,
  now = new Date(),
): Promise<{ userId: string; next: string; amr: string[]; riskAssessmentId: string | null }> {
  const pending = await findPendingSecondStep(token, now);
  if (!pending) throw new MfaError("expired", "This sign-in has expired. Sign in again.");
  if (pending.methods.length && !pending.methods.includes(input.method)) throw new MfaError("not_found", "This sign-in needs a passkey or your authenticator app.");
  if (input.method === "email") await requireEmailCodeAllowed(pending);
  const tokenHash = sha256Hex(token!);
  const wait = await consumeLimit(ATTEMPTS_PER_USER, pending.userId);
  if (wait > 0) throw new MfaError("too_many_attempts", `Too many codes tried for this account. Wait ${Math.ceil(wait / 60)} minutes and sign in again.`);
  let refusal = "That code is not right.";
  const ok =
    input.method === "passkey"
      ? await verifyPasskeyAssertion(input.assertion, { purpose: "second-step", userId: pending.userId }, ctx, now).then(
          () => true,
          (e: unknown) => {
            if (!(e instanceof MfaError)) throw e;
            refusal = e.message;
            return false;
          },
        )
      : input.method === "totp"
        ? await checkTotp(pending.userId, input.code, now)
        : input.method === "email" || input.method === "sms"
          ? await checkSentCode(tokenHash, pending, input.method, input.code, now)
          : await checkRecoveryCode(pending.userId, input.code, now);
  if (!ok) {
    const attempts = await addPendingAttempt(tokenHash);
    await recordAudit({ actor: { type: "user", id: pending.userId }, action: "login.second_factor_failed", target: { type: "user", id: pending.userId }, result: "failure", context: ctx, details: { method: input.method, attempts } });
    if (attempts === null || attempts >= MAX_ATTEMPTS) {
      await deletePendingSignIn(tokenHash);
      throw new MfaError("too_many_attempts", "Too many failed attempts. Sign in again.");
    }
    const left = MAX_ATTEMPTS - attempts;
    const message = `${refusal} ${left} attempt${left === 1 ? "" : "s"} left.`;
    throw input.method === "passkey" ? new MfaError("passkey_refused", message) : new MfaError("invalid_code", message, "code");
  }
  if (!(await deletePendingSignIn(tokenHash))) throw new MfaError("expired", "This sign-in has expired. Sign in again.");
  // The limit counts wrong codes: the attempt reserved above is given back.
  await refundLimit(ATTEMPTS_PER_USER, pending.userId);
  const amr = [...new Set([...pending.amr, ...SECOND_STEP_AMR[input.method], "mfa"])];
  await recordAudit({ actor: { type: "user", id: pending.userId }, action: "login.second_factor_succeeded", target: { type: "user", id: pending.userId }, result: "success", context: ctx, details: { method: input.method } });
  if (input.method === "recovery") await reportRecoveryCodeUse(pending.userId, user, ctx);
  return { userId: pending.userId, next: pending.next, amr, riskAssessmentId: pending.riskAssessmentId };
}

async function checkTotp(userId: string, code: string, now: Date): Promise<boolean> {
  const digits = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(digits)) return false;
  for (const factor of await listConfirmedFactors(userId)) {
    if (factor.type !== "totp" || !factor.secretSealed) continue;
    const step = await verifyTotp(decryptAtRest(factor.secretSealed, SEAL_PURPOSE), digits, { afterStep: factor.lastUsedStep, now });
    if (step !== null && (await recordFactorUse(factor.id, step, now))) return true;
  }
  return false;
}

/** The code sent for this sign-in, by the channel the user says it came through. */
async function checkSentCode(tokenHash: string, pending: PendingSecondStep, channel: SentCodeChannel, code: string, now: Date): Promise<boolean> {
  const sent = pending.sentCode;
  const ok = Boolean(sent && sent.channel === channel && sent.expiresAt > now && oneTimeCodeMatches(code, tokenHash, sent.hash));
  if (ok && channel === "sms") {
    const factor = await smsFactorOf(pending.userId);
    if (factor) await markFactorUsed(factor.id, now);
  }
  return ok;
}

async function checkRecoveryCode(userId: string, code: string, now: Date): Promise<boolean> {
  if (!normaliseRecoveryCode(code)) return false;
  return spendRecoveryCode(userId, recoveryCodeHash(code), now);
}

async function reportRecoveryCodeUse(userId: string, user: (id: string) => Promise<MfaUser | null>, ctx: RequestContext): Promise<void> {
  const [owner, remaining] = await Promise.all([user(userId), countUnusedRecoveryCodes(userId)]);
  await recordAudit({ actor: { type: "user", id: userId }, action: "mfa.recovery_code_used", target: { type: "user", id: userId }, result: "success", context: ctx, details: { remaining } });
  if (owner) {
    await enqueueMail({ to: owner.email, template: "recovery-code-used", data: { remaining, securityLink: securityLink(), name: owner.displayName ?? undefined } });
    kickOutbox();
  }
}
