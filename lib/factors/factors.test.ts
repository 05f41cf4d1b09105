// Enrolment, trusted devices and managing factors against a real database.
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { factorFixtures } from "@/test/factors";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { beginPendingSignIn, completeSecondStep } from "@/lib/sign-in";
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  hasSecondFactor,
  regenerateRecoveryCodes,
  removeSecondFactor,
  trustDevice,
  isTrustedDevice,
  forgetTrustedDevices,
  securityOverview,
} from "./index";

const t = useTestDatabase();
const { newUser, codeAt, mfaError, enrolled } = factorFixtures(t);

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
    expect((await mfaError(completeSecondStep(token, { method: "recovery", code: recoveryCodes[0]! }, {}))).code).toBe("invalid_code");
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
