// A one-time code for the second step, emailed to the account's address or texted to its phone.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { sha256Hex } from "@/lib/crypto";
import { newOneTimeCode, ONE_TIME_CODE_MINUTES, oneTimeCodeHash, MfaError, RESEND_AFTER_SECONDS, smsFactorOf, SMS_SENDS_PER_USER, textCode, type SentCodeChannel } from "@/lib/factors";
import { enqueueMail, maskEmail } from "@/lib/mail";
import { kickOutbox } from "@/lib/outbox";
import { consumeLimit } from "@/lib/ratelimit";
import { maskPhone } from "@/lib/sms";
import { signInOwner } from "./owner";
import { EXPIRED_MESSAGE, findPendingSecondStep, requireEmailCodeAllowed } from "./pending-sign-in";
import { storeSentCode } from "./sign-in.repo";

const EMAIL_SENDS_PER_USER = { keyPrefix: "mfa-email-send", points: 5, durationSeconds: 15 * 60 };

/**
 * Emails or texts a one-time code for this pending sign-in (replacing any earlier one, whichever
 * way it went). Throttled: one send per RESEND_AFTER_SECONDS per sign-in, and per account
 * EMAIL_SENDS_PER_USER or SMS_SENDS_PER_USER per quarter hour.
 */
export async function sendSignInCode(token: string | undefined | null, channel: SentCodeChannel, ctx: RequestContext, now = new Date()): Promise<{ sentTo: string }> {
  const pending = await findPendingSecondStep(token, now);
  if (!pending) throw new MfaError("expired", EXPIRED_MESSAGE);
  const owner = await signInOwner(pending.userId);
  if (!owner) throw new MfaError("expired", EXPIRED_MESSAGE);
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
  if (!stored) throw new MfaError("expired", EXPIRED_MESSAGE);
  if (phone) {
    await textCode(phone, code, "sign-in-code");
  } else {
    await enqueueMail({ to: owner.email, template: "sign-in-code", data: { code, minutes: ONE_TIME_CODE_MINUTES, name: owner.displayName ?? undefined } });
    kickOutbox();
  }
  await recordAudit({ actor: { type: "user", id: owner.id }, action: `mfa.${channel}_code_sent`, target: { type: "user", id: owner.id }, result: "success", context: ctx, details: { purpose: "sign-in" } });
  return { sentTo: phone ? maskPhone(phone) : maskEmail(owner.email) };
}
