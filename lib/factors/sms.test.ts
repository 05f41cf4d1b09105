// A phone number as a factor, end to end through the HTTP gateway (a local server): enrolment
// with a texted code, the second step by text message, and the limits on both.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { identityEventsOf } from "@/lib/events";
import { useTestDatabase } from "@/test/db";
import { FakeSmsGateway } from "@/test/sms-gateway";
import { reloadConfig } from "@/lib/config";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import {
  beginSmsEnrolment,
  confirmSmsEnrolment,
  hasSecondFactor,
  MfaError,
  pendingSmsEnrolment,
  resendSmsEnrolmentCode,
  secondStepMethods,
  type MfaUser,
} from "./index";
import { beginPendingSignIn, completeSecondStep, sendSignInCode } from "@/lib/sign-in";

const t = useTestDatabase();
const gateway = new FakeSmsGateway();
let n = 0;

async function newUser(): Promise<MfaUser> {
  const u = await t.db().user.create({ data: { email: `sms-${++n}-${Date.now()}@example.com`, emailVerifiedAt: new Date() } });
  return { id: u.id, email: u.email! };
}
const nextNumber = () => `+336${String(10_000_000 + ++n).padStart(8, "0")}`;
/** Typed as a person would, with spaces. */
const typed = (e164: string) => `${e164.slice(0, 3)} ${e164.slice(3, 4)} ${e164.slice(4).replace(/(\d{2})/g, "$1 ").trim()}`;

async function mfaError(p: Promise<unknown>): Promise<MfaError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(MfaError);
  return e as MfaError;
}

async function withPhone(now = new Date()) {
  const user = await newUser();
  const phone = nextNumber();
  const { factorId } = await beginSmsEnrolment(user, typed(phone), {}, now);
  const { recoveryCodes } = await confirmSmsEnrolment(user, factorId, gateway.lastCodeTo(phone), {}, now);
  return { user, phone, factorId, recoveryCodes };
}

beforeAll(async () => {
  process.env.SMS_GATEWAY_URL = await gateway.listen();
  process.env.SMS_GATEWAY_TOKEN = "gateway-token-0123456789";
  // The gateway is a local stand-in: opt into loopback explicitly (off by default, the SSRF guard).
  process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
  reloadConfig();
});
afterAll(async () => {
  delete process.env.SMS_GATEWAY_URL;
  delete process.env.SMS_GATEWAY_TOKEN;
  delete process.env.OUTBOUND_ALLOW_LOOPBACK;
  reloadConfig();
  await gateway.close();
});
beforeEach(() => resetFixedWindowLimitsForTests());

describe("SMS enrolment", () => {
  it("texts a code to the number (E.164, origin-bound line) and turns the factor on once it comes back", async () => {
    const user = await newUser();
    const phone = nextNumber();
    const { factorId, sentTo } = await beginSmsEnrolment(user, typed(phone), {});
    expect(sentTo).toBe(`+33 ••• ••• •${phone.slice(-2)}`);
    const text = gateway.requests.at(-1)!.body.text!;
    const code = gateway.lastCodeTo(phone);
    expect(text).toMatch(new RegExp(`\\n@localhost #${code}$`));
    expect(await hasSecondFactor(user.id)).toBe(false);
    const row = await t.db().mfaFactor.findUniqueOrThrow({ where: { id: factorId } });
    expect(row).toMatchObject({ type: "sms", phone, confirmedAt: null });
    expect(row.codeHash).not.toContain(code);

    const { recoveryCodes } = await confirmSmsEnrolment(user, factorId, code, {});
    expect(recoveryCodes).toHaveLength(10);
    expect(await hasSecondFactor(user.id)).toBe(true);
    expect(await t.db().mfaFactor.findUniqueOrThrow({ where: { id: factorId } })).toMatchObject({ codeHash: null, label: `Text message to ${sentTo}` });
    expect(await t.db().auditEvent.count({ where: { action: "mfa.sms_enrolled", targetId: user.id } })).toBe(1);
    // Confirmed once: the same code again finds no enrolment.
    expect((await mfaError(confirmSmsEnrolment(user, factorId, code, {}))).code).toBe("not_found");
  });

  it("shows a clear error next to the field for a bad number, and texts nothing", async () => {
    const user = await newUser();
    const before = gateway.requests.length;
    const landline = await mfaError(beginSmsEnrolment(user, "+44 20 7946 0958", {}));
    expect(landline).toMatchObject({ field: "phone", message: expect.stringMatching(/cannot receive text messages/) });
    expect((await mfaError(beginSmsEnrolment(user, "612345678", {}))).field).toBe("phone");
    expect(gateway.requests.length).toBe(before);
  });

  it("ends the enrolment after 5 wrong codes, and refuses an expired code", async () => {
    const user = await newUser();
    const phone = nextNumber();
    const start = new Date();
    const { factorId } = await beginSmsEnrolment(user, phone, {}, start);
    const right = gateway.lastCodeTo(phone);
    const wrong = right === "000000" ? "111111" : "000000";
    const late = new Date(start.getTime() + 11 * 60_000);
    expect((await mfaError(confirmSmsEnrolment(user, factorId, right, {}, late))).message).toMatch(/expired/);
    for (let i = 1; i < 5; i++) expect((await mfaError(confirmSmsEnrolment(user, factorId, wrong, {}))).message).toContain(`${5 - i} attempt`);
    expect((await mfaError(confirmSmsEnrolment(user, factorId, wrong, {}))).code).toBe("too_many_attempts");
    expect((await mfaError(confirmSmsEnrolment(user, factorId, right, {}))).code).toBe("not_found");
    expect(await pendingSmsEnrolment(user, factorId)).toBeNull();
  });

  it("resends no sooner than 30 s; a new number replaces the old one only once it is proved", async () => {
    const start = new Date();
    const { user, phone, factorId: oldId } = await withPhone(start);
    const newPhone = nextNumber();
    const { factorId } = await beginSmsEnrolment(user, newPhone, {}, start);
    expect((await mfaError(resendSmsEnrolmentCode(user, factorId, {}, new Date(start.getTime() + 5_000)))).code).toBe("too_many_attempts");
    await resendSmsEnrolmentCode(user, factorId, {}, new Date(start.getTime() + 31_000));
    // Until confirmed, the old number still works.
    expect(await t.db().mfaFactor.count({ where: { id: oldId } })).toBe(1);
    const { recoveryCodes } = await confirmSmsEnrolment(user, factorId, gateway.lastCodeTo(newPhone), {}, new Date(start.getTime() + 32_000));
    expect(recoveryCodes).toBeNull(); // not the account's first factor
    const phones = await t.db().mfaFactor.findMany({ where: { userId: user.id, type: "sms" } });
    expect(phones.map((p) => p.phone)).toEqual([newPhone]);
    expect(phones[0]!.phone).not.toBe(phone);
    // Subscribers see the replaced number go, as well as the new one come.
    const events = (await identityEventsOf(user.id)).filter((e) => e.type === "user.factor_added" || e.type === "user.factor_removed");
    const idOf = (e: (typeof events)[number]) => (e.data as { factorId?: string }).factorId;
    const ofNewNumber = events.filter((e) => (e.type === "user.factor_added" && idOf(e) === factorId) || (e.type === "user.factor_removed" && idOf(e) === oldId));
    expect(ofNewNumber.map((e) => [e.type, e.data]).sort()).toEqual([
      ["user.factor_added", { kind: "sms", factorId }],
      ["user.factor_removed", { kind: "sms", factorId: oldId }],
    ]);
    // The number already in use cannot be "added" again.
    expect((await mfaError(beginSmsEnrolment(user, newPhone, {}))).field).toBe("phone");
  });

  it("reports a gateway failure next to the field and leaves no half-made factor", async () => {
    const user = await newUser();
    gateway.answerNext({ status: 400 });
    const e = await mfaError(beginSmsEnrolment(user, nextNumber(), {}));
    expect(e).toMatchObject({ code: "send_failed", field: "phone" });
    expect(await t.db().mfaFactor.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("the second step by text message", () => {
  it("is offered to accounts with a number; the texted code signs in once with amr pwd, sms, mfa", async () => {
    const { user, phone } = await withPhone();
    expect(await secondStepMethods(user.id)).toEqual(["sms", "recovery"]);
    const start = new Date();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], start);
    const { sentTo } = await sendSignInCode(token, "sms", {}, start);
    expect(sentTo).toContain("•");
    const code = gateway.lastCodeTo(phone);
    // The code came by text: it is not an emailed code (and an account with a phone gets none).
    expect((await mfaError(completeSecondStep(token, { method: "email", code }, {}, start))).code).toBe("not_found");
    const done = await completeSecondStep(token, { method: "sms", code }, {}, start);
    expect(done.amr).toEqual(["pwd", "sms", "mfa"]);
    expect((await mfaError(completeSecondStep(token, { method: "sms", code }, {}, start))).code).toBe("expired");
    expect((await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id, type: "sms" } })).lastUsedAt).not.toBeNull();
    expect(await t.db().auditEvent.count({ where: { action: "mfa.sms_code_sent", actorId: user.id, details: { path: ["purpose"], equals: "sign-in" } } })).toBe(1);
  });

  it("refuses an expired code, counts attempts (5 end the sign-in), and throttles sending", async () => {
    const { user, phone } = await withPhone();
    const start = new Date();
    // The sign-in outlives this code (it began later than the code was sent), so only the code's own expiry refuses it.
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], new Date(start.getTime() + 5 * 60_000));
    await sendSignInCode(token, "sms", {}, start);
    const code = gateway.lastCodeTo(phone);
    expect((await mfaError(completeSecondStep(token, { method: "sms", code }, {}, new Date(start.getTime() + 10 * 60_000 + 1)))).message).toContain("4 attempts left");
    expect((await mfaError(sendSignInCode(token, "sms", {}, new Date(start.getTime() + 10_000)))).code).toBe("too_many_attempts");
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 3; i++) await mfaError(completeSecondStep(token, { method: "sms", code: wrong }, {}, start));
    expect((await mfaError(completeSecondStep(token, { method: "sms", code: wrong }, {}, start))).code).toBe("too_many_attempts");
    // The fifth failure ended the sign-in: now even the right code is too late.
    expect((await mfaError(completeSecondStep(token, { method: "sms", code }, {}, start))).code).toBe("expired");
  });

  it("is not available without a number", async () => {
    const user = await newUser();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
    expect((await mfaError(sendSignInCode(token, "sms", {}))).code).toBe("not_found");
  });

  it("stops after SMS_SENDS_PER_USER texts per quarter hour, whatever the sign-in", async () => {
    const { user } = await withPhone();
    let t0 = Date.now();
    // withPhone sent one (enrolment); four more sign-in codes, then the limit.
    for (let i = 0; i < 4; i++) {
      const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
      await sendSignInCode(token, "sms", {}, new Date((t0 += 1000)));
    }
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
    expect((await mfaError(sendSignInCode(token, "sms", {}))).message).toMatch(/Too many codes sent/);
  });
});
