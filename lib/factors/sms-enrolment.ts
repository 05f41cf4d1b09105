// A phone number for text-message codes: the owner types it (validated, stored in E.164), gets a
// code on it, and types that code back; only then is it a factor. The enrolment code is random,
// HMAC-stored bound to the factor, valid 10 minutes, 5 wrong tries end the enrolment. An account
// has one number: a newly proved one replaces the old, so changing numbers never leaves the
// account without the factor in between.
import "server-only";
import crypto from "node:crypto";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { emitIdentityEvent } from "@/lib/events";
import { consumeLimit } from "@/lib/ratelimit";
import { maskPhone, phoneNumberSchema } from "@/lib/sms";
import { activateFactor, describeFactor, requireVerifiedEmail, type MfaUser } from "./activation";
import { MfaError } from "./factors.errors";
import { factorIdSchema } from "./factors.schema";
import { newOneTimeCode, ONE_TIME_CODE_MINUTES, oneTimeCodeHash, oneTimeCodeMatches, RESEND_AFTER_SECONDS } from "./one-time-code";
import { textCode } from "./sms-codes";
import {
  addFactorCodeAttempt,
  confirmSmsFactor,
  deleteFactor,
  deleteOtherSmsFactors,
  deleteUnconfirmedFactors,
  findFactorOfUser,
  insertSmsFactor,
  listConfirmedFactors,
  storeFactorCode,
} from "./factors.repo";

export const SMS_CODE_ATTEMPTS = 5;
/** Texts per account per quarter hour, enrolment and sign-in together. */
export const SMS_SENDS_PER_USER = { keyPrefix: "mfa-sms-send", points: 5, durationSeconds: 15 * 60 };

const EXPIRED = "This setup has expired. Start again.";

async function throttleSend(userId: string): Promise<void> {
  const wait = await consumeLimit(SMS_SENDS_PER_USER, userId);
  if (wait > 0) throw new MfaError("too_many_attempts", `Too many text messages sent. Wait ${Math.ceil(wait / 60)} minutes, or use another method.`);
}

function expiry(now: Date): Date {
  return new Date(now.getTime() + ONE_TIME_CODE_MINUTES * 60_000);
}

/** Texts a code to the number; the unconfirmed factor waits for it. Earlier unfinished enrolments go. */
export async function beginSmsEnrolment(user: MfaUser, phoneInput: string, ctx: RequestContext, now = new Date()): Promise<{ factorId: string; sentTo: string }> {
  const parsed = phoneNumberSchema.safeParse(phoneInput);
  if (!parsed.success) throw new MfaError("invalid_code", parsed.error.issues[0]!.message, "phone");
  const phone = parsed.data;
  await requireVerifiedEmail(user.id);
  if ((await listConfirmedFactors(user.id)).some((f) => f.type === "sms" && f.phone === phone)) {
    throw new MfaError("invalid_code", "Text messages already go to this number.", "phone");
  }
  await throttleSend(user.id);
  await deleteUnconfirmedFactors(user.id);
  const id = crypto.randomUUID();
  const code = newOneTimeCode();
  await insertSmsFactor({ id, userId: user.id, label: `Text message to ${maskPhone(phone)}`, phone, codeHash: oneTimeCodeHash(code, id), codeExpiresAt: expiry(now), codeSentAt: now });
  try {
    await textCode(phone, code, "enrolment-code", "phone");
  } catch (e) {
    await deleteFactor(id, user.id);
    throw e;
  }
  await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.sms_code_sent", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { purpose: "enrolment", factorId: id } });
  return { factorId: id, sentTo: maskPhone(phone) };
}

async function unconfirmedSmsFactor(user: MfaUser, factorId: string) {
  const factor = factorIdSchema.safeParse(factorId).success ? await findFactorOfUser(factorId, user.id) : null;
  return factor && factor.type === "sms" && !factor.confirmedAt && factor.phone && factor.codeHash ? { ...factor, phone: factor.phone, codeHash: factor.codeHash } : null;
}

/** The enrolment again (page reload), while it waits for its code. */
export async function pendingSmsEnrolment(user: MfaUser, factorId: string, now = new Date()): Promise<{ factorId: string; sentTo: string; resendInSeconds: number } | null> {
  const factor = await unconfirmedSmsFactor(user, factorId);
  if (!factor || factor.codeAttempts >= SMS_CODE_ATTEMPTS) return null;
  const sentAgo = factor.codeSentAt ? (now.getTime() - factor.codeSentAt.getTime()) / 1000 : Infinity;
  return { factorId: factor.id, sentTo: maskPhone(factor.phone), resendInSeconds: Math.max(0, Math.ceil(RESEND_AFTER_SECONDS - sentAgo)) };
}

export async function resendSmsEnrolmentCode(user: MfaUser, factorId: string, ctx: RequestContext, now = new Date()): Promise<{ sentTo: string }> {
  const factor = await unconfirmedSmsFactor(user, factorId);
  if (!factor || factor.codeAttempts >= SMS_CODE_ATTEMPTS) throw new MfaError("not_found", EXPIRED);
  const sentAgo = factor.codeSentAt ? (now.getTime() - factor.codeSentAt.getTime()) / 1000 : Infinity;
  if (sentAgo < RESEND_AFTER_SECONDS) throw new MfaError("too_many_attempts", `A code is on its way. You can ask for another in ${Math.ceil(RESEND_AFTER_SECONDS - sentAgo)} seconds.`);
  await requireVerifiedEmail(user.id);
  await throttleSend(user.id);
  const code = newOneTimeCode();
  if (!(await storeFactorCode(factor.id, { codeHash: oneTimeCodeHash(code, factor.id), codeExpiresAt: expiry(now), codeSentAt: now }))) throw new MfaError("not_found", EXPIRED);
  await textCode(factor.phone, code, "enrolment-code");
  await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.sms_code_sent", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { purpose: "enrolment", factorId: factor.id } });
  return { sentTo: maskPhone(factor.phone) };
}

/** The texted code proves the number: it becomes the account's number for codes (replacing any other). */
export async function confirmSmsEnrolment(user: MfaUser, factorId: string, code: string, ctx: RequestContext, now = new Date()): Promise<{ recoveryCodes: string[] | null }> {
  const factor = await unconfirmedSmsFactor(user, factorId);
  if (!factor || factor.codeAttempts >= SMS_CODE_ATTEMPTS) throw new MfaError("not_found", EXPIRED);
  if (!factor.codeExpiresAt || factor.codeExpiresAt <= now) throw new MfaError("invalid_code", "This code has expired. Send a new one.", "code");
  if (!oneTimeCodeMatches(code, factor.id, factor.codeHash)) {
    const attempts = await addFactorCodeAttempt(factor.id);
    await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.sms_enrolment_failed", target: { type: "user", id: user.id }, result: "failure", context: ctx, details: { factorId: factor.id, attempts } });
    if (attempts === null || attempts >= SMS_CODE_ATTEMPTS) {
      await deleteFactor(factor.id, user.id);
      throw new MfaError("too_many_attempts", "Too many wrong codes. Start again.");
    }
    const left = SMS_CODE_ATTEMPTS - attempts;
    throw new MfaError("invalid_code", `That code is not right. ${left} attempt${left === 1 ? "" : "s"} left.`, "code");
  }
  return activateFactor(user, "mfa.sms_enrolled", "sms", describeFactor(factor), ctx, async (tx) => {
    if (!(await confirmSmsFactor(factor.id, now, tx))) throw new MfaError("not_found", EXPIRED);
    // The number it replaces is a factor removed, for subscribers as for the person.
    for (const replaced of await deleteOtherSmsFactors(user.id, factor.id, tx)) await emitIdentityEvent({ type: "user.factor_removed", userId: user.id, data: { kind: "sms", factorId: replaced } }, tx);
    return factor.id;
  });
}
