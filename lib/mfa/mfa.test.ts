// Enrolment, recovery codes and the pending second step against a real database.
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { createSmtpTransport, deliverDueMail } from "@/lib/mail";
import { decodeQuotedPrintable, startSmtp } from "@/test/smtp-server";
import {
  beginPendingSignIn,
  beginTotpEnrolment,
  completeSecondStep,
  confirmTotpEnrolment,
  currentTotp,
  findPendingSecondStep,
  hasSecondFactor,
  MAX_ATTEMPTS,
  MfaError,
  regenerateRecoveryCodes,
  removeSecondFactor,
  sendSignInCode,
  trustDevice,
  isTrustedDevice,
  forgetTrustedDevices,
  securityOverview,
  type MfaUser,
} from "./index";

const t = useTestDatabase();
let n = 0;

async function newUser(): Promise<MfaUser> {
  const u = await t.db().user.create({ data: { email: `mfa-${++n}-${Date.now()}@example.com`, emailVerifiedAt: new Date() } });
  return { id: u.id, email: u.email };
}

const lookup = (u: MfaUser) => async (id: string) => (id === u.id ? u : null);
const codeAt = (secret: string, date: Date) => currentTotp(secret, Math.floor(date.getTime() / 1000));

async function mfaError(p: Promise<unknown>): Promise<MfaError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(MfaError);
  return e as MfaError;
}

async function enrolled(now = new Date()) {
  const user = await newUser();
  const enrolment = await beginTotpEnrolment(user);
  const { recoveryCodes } = await confirmTotpEnrolment(user, enrolment.factorId, await codeAt(enrolment.secret, now), {}, now);
  return { user, secret: enrolment.secret, recoveryCodes: recoveryCodes! };
}

beforeEach(() => resetFixedWindowLimitsForTests());

describe("TOTP enrolment", () => {
  it("stays inactive until a first code confirms it; the seed is sealed; the first factor issues 10 recovery codes", async () => {
    const user = await newUser();
    const e = await beginTotpEnrolment(user);
    expect(e.uri).toMatch(/^otpauth:\/\/totp\/Portico:/);
    expect(e.qrSvg).toContain("<svg");
    expect(await hasSecondFactor(user.id)).toBe(false);
    const row = await t.db().mfaFactor.findUniqueOrThrow({ where: { id: e.factorId } });
    expect(row.secretSealed).not.toContain(e.secret);
    expect((await mfaError(confirmTotpEnrolment(user, e.factorId, "000000", {}))).code).toBe("invalid_code");
    const { recoveryCodes } = await confirmTotpEnrolment(user, e.factorId, await codeAt(e.secret, new Date()), {});
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes!) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = await t.db().recoveryCode.findMany({ where: { userId: user.id } });
    expect(stored.map((r) => r.codeHash)).not.toContain(recoveryCodes![0]);
    expect(await hasSecondFactor(user.id)).toBe(true);
    expect((await securityOverview(user.id)).recoveryCodesLeft).toBe(10);
    expect(await t.db().auditEvent.count({ where: { action: "mfa.totp_enrolled", actorId: user.id } })).toBe(1);
    expect(await t.db().mailMessage.count({ where: { to: user.email, template: "two-step-changed" } })).toBe(1);
  });
});

describe("second step of a sign-in", () => {
  it("accepts the current TOTP code once and returns the session's amr; the pending sign-in is then gone", async () => {
    const now = new Date(Date.now() + 60_000); // a later step than the enrolment's
    const { user, secret } = await enrolled();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], now);
    const done = await completeSecondStep(token, lookup(user), { method: "totp", code: await codeAt(secret, now) }, {}, now);
    expect(done).toEqual({ userId: user.id, next: "/account", amr: ["pwd", "otp", "mfa"], riskAssessmentId: null });
    expect(await findPendingSecondStep(token, now)).toBeNull();
    // The same code in a new sign-in is refused (RFC 6238 §5.2).
    const again = await beginPendingSignIn(user.id, "/account", ["pwd"], now);
    expect((await mfaError(completeSecondStep(again, lookup(user), { method: "totp", code: await codeAt(secret, now) }, {}, now))).code).toBe("invalid_code");
  });

  it(`ends the pending sign-in after ${MAX_ATTEMPTS} wrong codes`, async () => {
    const { user } = await enrolled();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      const e = await mfaError(completeSecondStep(token, lookup(user), { method: "totp", code: "000000" }, {}));
      expect(e.code).toBe("invalid_code");
      expect(e.message).toContain(`${MAX_ATTEMPTS - i} attempt`);
    }
    expect((await mfaError(completeSecondStep(token, lookup(user), { method: "totp", code: "000000" }, {}))).code).toBe("too_many_attempts");
    expect(await findPendingSecondStep(token)).toBeNull();
    expect(await t.db().auditEvent.count({ where: { action: "login.second_factor_failed", actorId: user.id } })).toBe(MAX_ATTEMPTS);
  });

  it("limits codes per account across fresh sign-ins", async () => {
    const { user } = await enrolled();
    let last: MfaError | undefined;
    for (let i = 0; i < 12; i++) {
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
      last = await mfaError(completeSecondStep(token, lookup(user), { method: "totp", code: "000000" }, {}));
    }
    expect(last!.code).toBe("too_many_attempts");
  });

  it("counts only wrong codes against that limit: an owner who signs in a dozen times in a quarter hour is never refused", async () => {
    const { user, secret } = await enrolled();
    for (let i = 1; i <= 12; i++) {
      // Each sign-in a TOTP step later than the last (a code is accepted once).
      const at = new Date(Date.now() + i * 30_000);
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"], at);
      const done = await completeSecondStep(token, lookup(user), { method: "totp", code: await codeAt(secret, at) }, {}, at);
      expect(done.userId).toBe(user.id);
    }
    // Wrong codes still count: the limit is reached after as many failures as before.
    let last: MfaError | undefined;
    for (let i = 0; i < 12; i++) {
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
      last = await mfaError(completeSecondStep(token, lookup(user), { method: "totp", code: "000000" }, {}));
    }
    expect(last!.code).toBe("too_many_attempts");
  });

  it("expires after its lifetime and refuses unknown tokens", async () => {
    const { user, secret } = await enrolled();
    const start = new Date();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], start);
    const later = new Date(start.getTime() + 11 * 60_000);
    expect((await mfaError(completeSecondStep(token, lookup(user), { method: "totp", code: await codeAt(secret, later) }, {}, later))).code).toBe("expired");
    expect((await mfaError(completeSecondStep("x".repeat(43), lookup(user), { method: "totp", code: "123456" }, {}))).code).toBe("expired");
  });

  it("spends a recovery code once, audits it and tells the owner by email", async () => {
    const { user, recoveryCodes } = await enrolled();
    const code = recoveryCodes[3]!.toUpperCase().replace("-", " ");
    const token = await beginPendingSignIn(user.id, "/next", ["pwd"]);
    expect((await completeSecondStep(token, lookup(user), { method: "recovery", code }, {})).next).toBe("/next");
    expect(await t.db().auditEvent.count({ where: { action: "mfa.recovery_code_used", actorId: user.id } })).toBe(1);
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: user.email, template: "recovery-code-used" } });
    expect(mail.text).toContain("9 unused codes remain");
    const again = await beginPendingSignIn(user.id, "/next", ["pwd"]);
    expect((await mfaError(completeSecondStep(again, lookup(user), { method: "recovery", code }, {}))).code).toBe("invalid_code");
  });
});

describe("emailed one-time code", () => {
  async function mailedCode(to: string): Promise<string> {
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to, template: "sign-in-code" }, orderBy: { createdAt: "desc" } });
    return mail.subject.match(/^(\d{6}) /)![1]!;
  }

  it("sends a six-digit code to the account's address, accepts it once, bound to its own sign-in", async () => {
    const user = await newUser(); // no factor: the risk engine's step-up (an account with one never gets an emailed code)
    const start = new Date();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], start);
    const { sentTo } = await sendSignInCode(token, "email", lookup(user), {}, start);
    expect(sentTo).toMatch(/^m\*\*\*@example\.com$/);
    const code = await mailedCode(user.email);
    // Another pending sign-in of the same user cannot use it.
    const other = await beginPendingSignIn(user.id, "/account", ["pwd"], start);
    expect((await mfaError(completeSecondStep(other, lookup(user), { method: "email", code }, {}, start))).code).toBe("invalid_code");
    // Resending is throttled.
    expect((await mfaError(sendSignInCode(token, "email", lookup(user), {}, new Date(start.getTime() + 5_000)))).code).toBe("too_many_attempts");
    const done = await completeSecondStep(token, lookup(user), { method: "email", code }, {}, new Date(start.getTime() + 60_000));
    expect(done.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(await t.db().auditEvent.count({ where: { action: "mfa.email_code_sent", actorId: user.id } })).toBe(1);
  });

  it("arrives through a real SMTP server and signs in", async () => {
    const smtp = await startSmtp();
    try {
      const user = await newUser(); // no factor: the risk engine's step-up (an account with one never gets an emailed code)
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
      await sendSignInCode(token, "email", lookup(user), {});
      await deliverDueMail({ transport: createSmtpTransport(smtp.url, { timeoutMs: 5000 }), limit: 100 });
      // The account's other mail (two-step turned on) goes through the same server: pick the code's.
      const code = smtp.received
        .filter((r) => r.rcpt.includes(user.email))
        .map((r) => decodeQuotedPrintable(r.raw).match(/^Subject: (\d{6}) is your/m)?.[1])
        .find(Boolean);
      expect(code, "the code in the delivered message's subject").toMatch(/^\d{6}$/);
      expect((await completeSecondStep(token, lookup(user), { method: "email", code: code! }, {})).amr).toEqual(["pwd", "otp", "mfa"]);
    } finally {
      await smtp.close();
    }
  });

  it("a wrong or unsent code counts an attempt; a replaced code stops working", async () => {
    const user = await newUser(); // no factor: the risk engine's step-up (an account with one never gets an emailed code)
    const start = new Date();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], start);
    expect((await mfaError(completeSecondStep(token, lookup(user), { method: "email", code: "123456" }, {}, start))).message).toContain("4 attempts left");
    await sendSignInCode(token, "email", lookup(user), {}, start);
    const first = await mailedCode(user.email);
    const later = new Date(start.getTime() + 31_000);
    await sendSignInCode(token, "email", lookup(user), {}, later);
    const second = await mailedCode(user.email);
    if (first !== second) expect((await mfaError(completeSecondStep(token, lookup(user), { method: "email", code: first }, {}, later))).code).toBe("invalid_code");
    expect((await completeSecondStep(token, lookup(user), { method: "email", code: second }, {}, later)).userId).toBe(user.id);
  });
});

describe("trusted devices", () => {
  it("stand in for the second step for their own user, for 30 days, until forgotten or two-step is turned off", async () => {
    const { user } = await enrolled();
    const other = await newUser();
    const now = new Date();
    const { token, maxAgeSeconds } = await trustDevice(user.id, { userAgent: "Test browser" }, now);
    expect(maxAgeSeconds).toBe(30 * 24 * 3600);
    expect(await isTrustedDevice(user.id, token, now)).toBe(true);
    expect(await isTrustedDevice(other.id, token, now)).toBe(false);
    expect(await isTrustedDevice(user.id, token, new Date(now.getTime() + 31 * 24 * 3600_000))).toBe(false);
    expect(await isTrustedDevice(user.id, "x".repeat(43), now)).toBe(false);
    const row = await t.db().trustedDevice.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.tokenHash).not.toBe(token);
    expect(await forgetTrustedDevices(user, {})).toBe(1);
    expect(await isTrustedDevice(user.id, token, now)).toBe(false);

    const second = await trustDevice(user.id, {}, now);
    const { factors } = await securityOverview(user.id);
    await removeSecondFactor(user, factors[0]!.id, {});
    expect(await isTrustedDevice(user.id, second.token, now)).toBe(false);
  });
});

describe("managing factors", () => {
  it("regenerating replaces every recovery code; removing the last factor turns two-step off", async () => {
    const { user, recoveryCodes } = await enrolled();
    const fresh = await regenerateRecoveryCodes(user, {});
    expect(fresh).toHaveLength(10);
    const token = await beginPendingSignIn(user.id, "/", ["pwd"]);
    expect((await mfaError(completeSecondStep(token, lookup(user), { method: "recovery", code: recoveryCodes[0]! }, {}))).code).toBe("invalid_code");
    const { factors } = await securityOverview(user.id);
    await removeSecondFactor(user, factors[0]!.id, {});
    expect(await hasSecondFactor(user.id)).toBe(false);
    expect(await t.db().recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await mfaError(removeSecondFactor(user, factors[0]!.id, {}))).code).toBe("not_found");
    expect((await mfaError(regenerateRecoveryCodes(user, {}))).code).toBe("not_found");
  });

  it("answers a malformed factor id (a tampered form) with not_found, not a database error", async () => {
    const user = await newUser();
    expect((await mfaError(removeSecondFactor(user, "not-a-uuid", {}))).code).toBe("not_found");
    expect((await mfaError(confirmTotpEnrolment(user, "'; drop table", "123456", {}))).code).toBe("not_found");
  });
});
