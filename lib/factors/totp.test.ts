// RFC 6238 Appendix B and RFC 4226 Appendix D vectors, and Portico's verification rules.
import { describe, expect, it } from "vitest";
import { generate } from "otplib";
import { currentTotp, newTotpSecret, verifyTotp } from "./totp";

const RFC_KEY = new TextEncoder().encode("12345678901234567890");

describe("TOTP", () => {
  it.each([
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ])("RFC 6238 SHA-1 vector at T=%i", async (t, code) => {
    expect(await currentTotp(RFC_KEY, t, 8)).toBe(code);
  });

  it("RFC 4226 HOTP vectors (the HMAC truncation underneath)", async () => {
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    for (const [counter, code] of expected.entries()) expect(await generate({ secret: RFC_KEY, strategy: "hotp", counter })).toBe(code);
  });

  it("accepts one step either side and no further", async () => {
    const secret = newTotpSecret();
    const now = new Date(1_800_000_000_000 + 10_000); // 10 s into a step
    const t = Math.floor(now.getTime() / 1000);
    const step = Math.floor(t / 30);
    const at = (k: number) => currentTotp(secret, (step + k) * 30);
    expect(await verifyTotp(secret, await at(0), { now })).toBe(step);
    expect(await verifyTotp(secret, await at(-1), { now })).toBe(step - 1);
    expect(await verifyTotp(secret, await at(1), { now })).toBe(step + 1);
    expect(await verifyTotp(secret, await at(-2), { now })).toBeNull();
    expect(await verifyTotp(secret, await at(2), { now })).toBeNull();
  });

  it("refuses a step at or before the last accepted one (no code twice), and malformed input", async () => {
    const secret = newTotpSecret();
    const now = new Date(1_800_000_000_000);
    const step = Math.floor(now.getTime() / 30_000);
    const code = await currentTotp(secret, step * 30);
    expect(await verifyTotp(secret, code, { now, afterStep: step - 1 })).toBe(step);
    expect(await verifyTotp(secret, code, { now, afterStep: step })).toBeNull();
    expect(await verifyTotp(secret, await currentTotp(secret, (step - 1) * 30), { now, afterStep: step })).toBeNull();
    for (const bad of ["", "12345", "1234567", "12a456", " 123456"]) expect(await verifyTotp(secret, bad, { now })).toBeNull();
  });

  it("refuses, without throwing, any code once the next step's code was used early (drift) or the clock went back", async () => {
    const secret = newTotpSecret();
    const now = new Date(1_800_000_000_000);
    const step = Math.floor(now.getTime() / 30_000);
    for (const afterStep of [step + 1, step + 2, step + 100]) {
      for (const s of [step - 1, step, step + 1]) expect(await verifyTotp(secret, await currentTotp(secret, s * 30), { now, afterStep })).toBeNull();
      expect(await verifyTotp(secret, "000000", { now, afterStep })).toBeNull();
    }
  });

  it("makes 160-bit base32 seeds", () => {
    const s = newTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(s);
  });
});
