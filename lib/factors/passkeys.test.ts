// Passkey ceremonies against a real database, with a software authenticator producing real
// signatures (test/soft-authenticator.ts): what a correct one gets, and each way a wrong one fails.
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { SoftAuthenticator } from "@/test/soft-authenticator";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { authenticateWithPasskey, UserError } from "@/lib/users";
import {
  CHALLENGE_MINUTES,
  hasSecondFactor,
  MfaError,
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  registerPasskey,
  relyingParty,
  verifyPasskeyAssertion,
  type MfaUser,
} from "./index";
import { beginPendingSignIn, completeSecondStep } from "@/lib/sign-in";

const t = useTestDatabase();
let n = 0;

async function newUser(): Promise<MfaUser> {
  const u = await t.db().user.create({ data: { email: `passkey-${++n}-${Date.now()}@example.com`, emailVerifiedAt: new Date() } });
  return { id: u.id, email: u.email! };
}

function authenticator() {
  const rp = relyingParty();
  return new SoftAuthenticator(rp.id, rp.origin);
}

async function refusal(p: Promise<unknown>): Promise<MfaError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(MfaError);
  expect((e as MfaError).code).toBe("passkey_refused");
  return e as MfaError;
}

async function withPasskey() {
  const user = await newUser();
  const device = authenticator();
  const options = await passkeyRegistrationOptions(user);
  const { recoveryCodes } = await registerPasskey(user, device.register(options), "Test laptop", {});
  return { user, device, recoveryCodes };
}

const signInChallenge = async () => (await passkeyAuthenticationOptions("sign-in", null, { ip: "192.0.2.1" })).challenge;
const audits = (action: string) => t.db().auditEvent.findMany({ where: { action } });

beforeEach(() => resetFixedWindowLimitsForTests());

describe("passkey registration", () => {
  it("asks for a discoverable, user-verified credential and excludes the ones the account has", async () => {
    const { user, device } = await withPasskey();
    const options = await passkeyRegistrationOptions(user);
    expect(options.rp.id).toBe(relyingParty().id);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([device.id]);
    expect(Buffer.from(options.user.id, "base64url").toString()).toBe(user.id);
  });

  it("stores the passkey as an active factor with its counter; the first factor brings recovery codes", async () => {
    const { user, device, recoveryCodes } = await withPasskey();
    expect(recoveryCodes).toHaveLength(10);
    expect(await hasSecondFactor(user.id)).toBe(true);
    const row = await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ type: "passkey", label: "Test laptop", credentialId: device.id, signCount: 0n, transports: ["internal"] });
    expect(row.confirmedAt).not.toBeNull();
    expect((await audits("mfa.passkey_registered")).filter((e) => e.targetId === user.id)).toHaveLength(1);
  });

  it("refuses without user verification, from another origin, on a spent or foreign challenge", async () => {
    const user = await newUser();
    const other = await newUser();
    const device = authenticator();
    await refusal(registerPasskey(user, device.register(await passkeyRegistrationOptions(user), { uv: false }), "", {}));
    await refusal(registerPasskey(user, device.register(await passkeyRegistrationOptions(user), { origin: "https://evil.example" }), "", {}));
    const options = await passkeyRegistrationOptions(user);
    const response = device.register(options);
    await registerPasskey(user, response, "", {});
    await refusal(registerPasskey(user, response, "", {})); // the challenge is spent
    await refusal(registerPasskey(other, authenticator().register(await passkeyRegistrationOptions(user)), "", {}));
    expect(await t.db().mfaFactor.count({ where: { userId: { in: [user.id, other.id] } } })).toBe(1);
    expect((await audits("mfa.passkey_registration_failed")).length).toBeGreaterThanOrEqual(4);
  });

  it("refuses a response that is not a WebAuthn credential, and a name that is too long", async () => {
    const user = await newUser();
    await refusal(registerPasskey(user, { id: "x" }, "", {}));
    const e = await registerPasskey(user, authenticator().register(await passkeyRegistrationOptions(user)), "n".repeat(61), {}).catch((x: unknown) => x);
    expect(e).toMatchObject({ field: "name" });
  });
});

describe("passwordless sign-in", () => {
  it("verifies the assertion, names the owner and moves the counter", async () => {
    const { user, device } = await withPasskey();
    const result = await verifyPasskeyAssertion(device.assert(await signInChallenge()), { purpose: "sign-in", userId: null }, {});
    expect(result.userId).toBe(user.id);
    const row = await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.signCount).toBe(1n);
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("refuses without user verification, a replayed assertion, an expired challenge, a foreign user handle, an unknown credential", async () => {
    const { device } = await withPasskey();
    const expected = { purpose: "sign-in" as const, userId: null };
    await refusal(verifyPasskeyAssertion(device.assert(await signInChallenge(), { uv: false }), expected, {}));
    const response = device.assert(await signInChallenge());
    await verifyPasskeyAssertion(response, expected, {});
    await refusal(verifyPasskeyAssertion(response, expected, {}));
    const later = new Date(Date.now() + (CHALLENGE_MINUTES + 1) * 60_000);
    await refusal(verifyPasskeyAssertion(device.assert(await signInChallenge()), expected, {}, later));
    await refusal(verifyPasskeyAssertion(device.assert(await signInChallenge(), { userHandle: Buffer.from(crypto.randomUUID()).toString("base64url") }), expected, {}));
    await refusal(verifyPasskeyAssertion(device.assert(await signInChallenge(), { userHandle: null }), expected, {}));
    const stranger = authenticator();
    stranger.register({ challenge: "x", user: { id: "x" } });
    await refusal(verifyPasskeyAssertion(stranger.assert(await signInChallenge()), expected, {}));
    expect((await audits("login.passkey_failed")).map((e) => (e.details as { reason: string }).reason)).toEqual(
      expect.arrayContaining(["unknown_credential", "user_handle_mismatch"]),
    );
  });

  it("flags the passkey when a signed counter goes backwards (a cloned authenticator) and refuses it from then on", async () => {
    const { user, device } = await withPasskey();
    const expected = { purpose: "sign-in" as const, userId: null };
    await verifyPasskeyAssertion(device.assert(await signInChallenge(), { counter: 5 }), expected, {});
    const e = await refusal(verifyPasskeyAssertion(device.assert(await signInChallenge(), { counter: 3 }), expected, {}));
    expect(e.message).toMatch(/may have been copied/);
    const row = await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.flaggedAt).not.toBeNull();
    expect(row.signCount).toBe(5n);
    const [event] = await audits("mfa.passkey_counter_regression");
    expect(event).toMatchObject({ targetId: user.id, details: { storedCounter: 5, receivedCounter: 3 } });
    // Even a counter ahead of the stored one: the passkey stays blocked until the user removes it.
    await refusal(verifyPasskeyAssertion(device.assert(await signInChallenge(), { counter: 50 }), expected, {}));
  });

  it("accepts authenticators that keep no counter (always 0)", async () => {
    const { user, device } = await withPasskey();
    const expected = { purpose: "sign-in" as const, userId: null };
    await verifyPasskeyAssertion(device.assert(await signInChallenge(), { counter: 0 }), expected, {});
    await verifyPasskeyAssertion(device.assert(await signInChallenge(), { counter: 0 }), expected, {});
    expect((await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id } })).flaggedAt).toBeNull();
  });

  it("spends a challenge once: the same assertion verified twice at once succeeds exactly once, with or without a counter", async () => {
    for (const counter of [undefined, 0]) {
      const { user, device } = await withPasskey();
      const response = device.assert(await signInChallenge(), { counter });
      const expected = { purpose: "sign-in" as const, userId: null };
      const results = await Promise.allSettled([verifyPasskeyAssertion(response, expected, {}), verifyPasskeyAssertion(response, expected, {})]);
      expect(results.filter((r) => r.status === "fulfilled").map((r) => r.value.userId)).toEqual([user.id]);
      const [refused] = results.filter((r) => r.status === "rejected");
      expect(refused?.reason).toBeInstanceOf(MfaError);
      expect((await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id } })).flaggedAt).toBeNull();
    }
  });

  it("signs in an active account and refuses a disabled one", async () => {
    const { user, device } = await withPasskey();
    expect((await authenticateWithPasskey(device.assert(await signInChallenge()), {})).id).toBe(user.id);
    await t.db().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    const e = await authenticateWithPasskey(device.assert(await signInChallenge()), {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
  });
});

describe("passkey as the second step", () => {
  it("completes a password sign-in with amr pwd, hwk, user, mfa; another user's passkey counts as a failed attempt", async () => {
    const { user, device } = await withPasskey();
    const intruder = await withPasskey();
    const token = await beginPendingSignIn(user.id, "/account", ["pwd"]);
    const challenge = async () => (await passkeyAuthenticationOptions("second-step", user.id, {})).challenge;
    const options = await passkeyAuthenticationOptions("second-step", user.id, {});
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([device.id]);
    const e = await refusal(completeSecondStep(token, { method: "passkey", assertion: intruder.device.assert(await challenge()) }, {}));
    expect(e.message).toMatch(/4 attempts left/);
    // A sign-in challenge is not a second-step challenge.
    await refusal(completeSecondStep(token, { method: "passkey", assertion: device.assert(await signInChallenge()) }, {}));
    const done = await completeSecondStep(token, { method: "passkey", assertion: device.assert(await challenge()) }, {});
    expect(done).toMatchObject({ userId: user.id, next: "/account" });
    expect(done.amr.sort()).toEqual(["hwk", "mfa", "pwd", "user"]);
  });
});
