// The pending sign-in and its second step against a real database.
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { factorFixtures } from "@/test/factors";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { createSmtpTransport, deliverDueMail } from "@/lib/mail";
import { decodeQuotedPrintable, startSmtp } from "@/test/smtp-server";
import { MfaError } from "@/lib/factors";
import { beginPendingSignIn, completeSecondStep, findPendingSecondStep, MAX_ATTEMPTS, sendSignInCode } from "./index";

const t = useTestDatabase();
const { newUser, codeAt, mfaError, enrolled } = factorFixtures(t);

beforeEach(() => resetFixedWindowLimitsForTests());

describe("second step of a sign-in", () => {
  it("accepts the current TOTP code once and returns the session's amr; the pending sign-in is then gone", async () => {
    const now = new Date(Date.now() + 60_000); // a later step than the enrolment's
    const { user, secret } = await enrolled();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], now);
    const done = await completeSecondStep(token, { method: "totp", code: await codeAt(secret, now) }, {}, now);
    expect(done).toEqual({ userId: user.id, next: "/account", amr: ["pwd", "otp", "mfa"], riskAssessmentId: null, linkedIdentityId: null });
    expect(await findPendingSecondStep(token, now)).toBeNull();
    // The same code in a new sign-in is refused (RFC 6238 §5.2).
    const again = await beginPendingSignIn(user.id, "/account", ["pwd"], now);
    expect((await mfaError(completeSecondStep(again, { method: "totp", code: await codeAt(secret, now) }, {}, now))).code).toBe("invalid_code");
  });

  it(`ends the pending sign-in after ${MAX_ATTEMPTS} wrong codes`, async () => {
    const { user } = await enrolled();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      const e = await mfaError(completeSecondStep(token, { method: "totp", code: "000000" }, {}));
      expect(e.code).toBe("invalid_code");
      expect(e.message).toContain(`${MAX_ATTEMPTS - i} attempt`);
    }
    expect((await mfaError(completeSecondStep(token, { method: "totp", code: "000000" }, {}))).code).toBe("too_many_attempts");
    expect(await findPendingSecondStep(token)).toBeNull();
    expect(await t.db().auditEvent.count({ where: { action: "login.second_factor_failed", actorId: user.id } })).toBe(MAX_ATTEMPTS);
  });

  it("limits codes per account across fresh sign-ins", async () => {
    const { user } = await enrolled();
    let last: MfaError | undefined;
    for (let i = 0; i < 12; i++) {
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
      last = await mfaError(completeSecondStep(token, { method: "totp", code: "000000" }, {}));
    }
    expect(last!.code).toBe("too_many_attempts");
  });

  it("counts only wrong codes against that limit: an owner who signs in a dozen times in a quarter hour is never refused", async () => {
    const { user, secret } = await enrolled();
    for (let i = 1; i <= 12; i++) {
      // Each sign-in a TOTP step later than the last (a code is accepted once).
      const at = new Date(Date.now() + i * 30_000);
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"], at);
      const done = await completeSecondStep(token, { method: "totp", code: await codeAt(secret, at) }, {}, at);
      expect(done.userId).toBe(user.id);
    }
    // Wrong codes still count: the limit is reached after as many failures as before.
    let last: MfaError | undefined;
    for (let i = 0; i < 12; i++) {
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
      last = await mfaError(completeSecondStep(token, { method: "totp", code: "000000" }, {}));
    }
    expect(last!.code).toBe("too_many_attempts");
  });

  it("expires after its lifetime and refuses unknown tokens", async () => {
    const { user, secret } = await enrolled();
    const start = new Date();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], start);
    const later = new Date(start.getTime() + 11 * 60_000);
    expect((await mfaError(completeSecondStep(token, { method: "totp", code: await codeAt(secret, later) }, {}, later))).code).toBe("expired");
    expect((await mfaError(completeSecondStep("x".repeat(43), { method: "totp", code: "123456" }, {}))).code).toBe("expired");
  });

  it("spends a recovery code once, audits it and tells the owner by email", async () => {
    const { user, recoveryCodes } = await enrolled();
    const code = recoveryCodes[3]!.toUpperCase().replace("-", " ");
    const token = await beginPendingSignIn(user.id, "/next", ["pwd"]);
    expect((await completeSecondStep(token, { method: "recovery", code }, {})).next).toBe("/next");
    expect(await t.db().auditEvent.count({ where: { action: "mfa.recovery_code_used", actorId: user.id } })).toBe(1);
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: user.email, template: "recovery-code-used" } });
    expect(mail.text).toContain("9 unused codes remain");
    const again = await beginPendingSignIn(user.id, "/next", ["pwd"]);
    expect((await mfaError(completeSecondStep(again, { method: "recovery", code }, {}))).code).toBe("invalid_code");
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
    const { sentTo } = await sendSignInCode(token, "email", {}, start);
    expect(sentTo).toMatch(/^m\*\*\*@example\.com$/);
    const code = await mailedCode(user.email);
    // Another pending sign-in of the same user cannot use it.
    const other = await beginPendingSignIn(user.id, "/account", ["pwd"], start);
    expect((await mfaError(completeSecondStep(other, { method: "email", code }, {}, start))).code).toBe("invalid_code");
    // Resending is throttled.
    expect((await mfaError(sendSignInCode(token, "email", {}, new Date(start.getTime() + 5_000)))).code).toBe("too_many_attempts");
    const done = await completeSecondStep(token, { method: "email", code }, {}, new Date(start.getTime() + 60_000));
    expect(done.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(await t.db().auditEvent.count({ where: { action: "mfa.email_code_sent", actorId: user.id } })).toBe(1);
  });

  it("arrives through a real SMTP server and signs in", async () => {
    const smtp = await startSmtp();
    try {
      const user = await newUser(); // no factor: the risk engine's step-up (an account with one never gets an emailed code)
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
      await sendSignInCode(token, "email", {});
      await deliverDueMail({ transport: createSmtpTransport(smtp.url, { timeoutMs: 5000 }), limit: 100 });
      // The account's other mail (two-step turned on) goes through the same server: pick the code's.
      const code = smtp.received
        .filter((r) => r.rcpt.includes(user.email))
        .map((r) => decodeQuotedPrintable(r.raw).match(/^Subject: (\d{6}) is your/m)?.[1])
        .find(Boolean);
      expect(code, "the code in the delivered message's subject").toMatch(/^\d{6}$/);
      expect((await completeSecondStep(token, { method: "email", code: code! }, {})).amr).toEqual(["pwd", "otp", "mfa"]);
    } finally {
      await smtp.close();
    }
  });

  it("a wrong or unsent code counts an attempt; a replaced code stops working", async () => {
    const user = await newUser(); // no factor: the risk engine's step-up (an account with one never gets an emailed code)
    const start = new Date();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], start);
    expect((await mfaError(completeSecondStep(token, { method: "email", code: "123456" }, {}, start))).message).toContain("4 attempts left");
    await sendSignInCode(token, "email", {}, start);
    const first = await mailedCode(user.email);
    const later = new Date(start.getTime() + 31_000);
    await sendSignInCode(token, "email", {}, later);
    const second = await mailedCode(user.email);
    if (first !== second) expect((await mfaError(completeSecondStep(token, { method: "email", code: first }, {}, later))).code).toBe("invalid_code");
    expect((await completeSecondStep(token, { method: "email", code: second }, {}, later)).userId).toBe(user.id);
  });
});

