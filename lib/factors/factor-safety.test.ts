// At the factor domain: every factor added or removed is mailed to
// the owner; an account whose address is unverified enrols nothing; an emailed code is a second step
// only for accounts without a stronger factor, unless the application widened it.
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { SoftAuthenticator } from "@/test/soft-authenticator";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import {
  beginSmsEnrolment,
  beginTotpEnrolment,
  confirmTotpEnrolment,
  currentTotp,
  MfaError,
  passkeyRegistrationOptions,
  regenerateRecoveryCodes,
  registerPasskey,
  relyingParty,
  removeSecondFactor,
  secondStepMethods,
  type MfaUser,
} from "./index";
import { beginPendingSignIn, completeSecondStep, sendSignInCode } from "@/lib/sign-in";

const t = useTestDatabase();
let n = 0;

async function newUser(verified = true): Promise<MfaUser> {
  const u = await t.db().user.create({ data: { email: `safety-${++n}-${Date.now()}@example.com`, emailVerifiedAt: verified ? new Date() : null } });
  return { id: u.id, email: u.email! };
}

const mails = (u: MfaUser) => t.db().mailMessage.findMany({ where: { to: u.email }, orderBy: { createdAt: "asc" } });

async function mfaError(p: Promise<unknown>): Promise<MfaError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(MfaError);
  return e as MfaError;
}

async function addTotp(user: MfaUser, now = new Date()) {
  const e = await beginTotpEnrolment(user);
  await confirmTotpEnrolment(user, e.factorId, await currentTotp(e.secret, Math.floor(now.getTime() / 1000)), {}, now);
  return e.factorId;
}

async function addPasskey(user: MfaUser, label = "Laptop") {
  const rp = relyingParty();
  const device = new SoftAuthenticator(rp.id, rp.origin);
  await registerPasskey(user, device.register(await passkeyRegistrationOptions(user)), label, {});
  return (await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id, credentialId: device.id } })).id;
}

beforeEach(() => resetFixedWindowLimitsForTests());

describe("every factor change is mailed to the owner", () => {
  it("mails the owner when a second and a third factor are added, not only the first", async () => {
    const user = await newUser();
    await addTotp(user);
    expect((await mails(user)).map((m) => m.template)).toEqual(["two-step-changed"]);
    await addPasskey(user, "Work laptop");
    const second = (await mails(user)).at(-1)!;
    expect(second.template).toBe("sign-in-method-changed");
    expect(second.text).toContain("This sign-in method was added to your account: Passkey “Work laptop”.");
    expect(second.text).toMatch(/\/forgot-password/);
    await addTotp(user, new Date(Date.now() + 90_000));
    expect((await mails(user)).map((m) => m.template)).toEqual(["two-step-changed", "sign-in-method-changed", "sign-in-method-changed"]);
  });

  it("mails the owner when a factor is removed while others remain, and when recovery codes are replaced", async () => {
    const user = await newUser();
    await addTotp(user);
    const passkey = await addPasskey(user, "Old phone");
    await removeSecondFactor(user, passkey, {});
    const removed = (await mails(user)).at(-1)!;
    expect(removed.template).toBe("sign-in-method-changed");
    expect(removed.text).toContain("This sign-in method was removed from your account: Passkey “Old phone”.");
    await regenerateRecoveryCodes(user, {});
    const codes = (await mails(user)).at(-1)!;
    expect(codes.template).toBe("sign-in-method-changed");
    expect(codes.subject).toMatch(/New recovery codes/);
  });
});

describe("an account whose email address is not verified enrols no factor", () => {
  it("refuses an authenticator app, a passkey and a phone number with a clear message, and stores nothing", async () => {
    const user = await newUser(false);
    for (const attempt of [beginTotpEnrolment(user), passkeyRegistrationOptions(user), beginSmsEnrolment(user, "+14155550100", {})]) {
      const e = await mfaError(attempt);
      expect(e.code).toBe("email_unverified");
      expect(e.message).toMatch(/verify your email address first/i);
    }
    expect(await t.db().mfaFactor.count({ where: { userId: user.id } })).toBe(0);
    expect(await t.db().webAuthnChallenge.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses to finish an enrolment begun before the address became unverified (an email change)", async () => {
    const user = await newUser();
    const e = await beginTotpEnrolment(user);
    await t.db().user.update({ where: { id: user.id }, data: { emailVerifiedAt: null } });
    const err = await mfaError(confirmTotpEnrolment(user, e.factorId, await currentTotp(e.secret, Math.floor(Date.now() / 1000)), {}));
    expect(err.code).toBe("email_unverified");
    expect(await t.db().mfaFactor.count({ where: { userId: user.id, confirmedAt: { not: null } } })).toBe(0);
  });
});

describe("an emailed code as the second step", () => {
  it("is offered and accepted for an account with no factor (the risk engine's step-up)", async () => {
    const user = await newUser();
    expect(await secondStepMethods(user.id)).toEqual(["email"]);
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
    await expect(sendSignInCode(token, "email", {})).resolves.toMatchObject({ sentTo: expect.any(String) });
  });

  it("is refused for an account with an authenticator app: neither offered, nor sent, nor accepted", async () => {
    const user = await newUser();
    await addTotp(user);
    expect(await secondStepMethods(user.id)).not.toContain("email");
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
    expect((await mfaError(sendSignInCode(token, "email", {}))).code).toBe("not_found");
    expect(await t.db().mailMessage.count({ where: { to: user.email, template: "sign-in-code" } })).toBe(0);
    // A code planted by hand (as if sent before the factor was added) is still no way in.
    const err = await mfaError(completeSecondStep(token, { method: "email", code: "123456" }, {}));
    expect(err.code).toBe("not_found");
  });

  it("is refused for an account with a passkey or a phone number too", async () => {
    const withPasskey = await newUser();
    await addPasskey(withPasskey);
    expect(await secondStepMethods(withPasskey.id)).toEqual(["passkey", "recovery"]);
    const withPhone = await newUser();
    await t.db().mfaFactor.create({ data: { userId: withPhone.id, type: "sms", label: "Text message", phone: "+14155550100", confirmedAt: new Date() } });
    expect(await secondStepMethods(withPhone.id)).toEqual(["sms"]);
  });

  it("is offered again when the application widened it for this sign-in", async () => {
    const user = await newUser();
    await addTotp(user);
    expect(await secondStepMethods(user.id, [], { emailCodeWithStrongFactor: true })).toEqual(["totp", "email", "recovery"]);
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"], new Date(), { emailCodeWithStrongFactor: true });
    await sendSignInCode(token, "email", {});
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: user.email, template: "sign-in-code" } });
    const code = mail.text.match(/\b(\d{6})\b/)![1]!;
    await expect(completeSecondStep(token, { method: "email", code }, {})).resolves.toMatchObject({ userId: user.id });
  });
});
