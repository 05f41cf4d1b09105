import { describe, expect, it } from "vitest";
import { decryptAtRest, encryptAtRest, randomToken, safeEqual, sha256Hex } from "./index";

describe("crypto helpers", () => {
  it("encrypts at rest with a fresh IV and decrypts only for the same purpose", () => {
    const a = encryptAtRest("private key material", "signing-key");
    const b = encryptAtRest("private key material", "signing-key");
    expect(a).not.toBe(b);
    expect(a).not.toContain("private");
    expect(decryptAtRest(a, "signing-key")).toBe("private key material");
    expect(() => decryptAtRest(a, "totp-seed")).toThrow();
  });

  it("detects tampering", () => {
    const sealed = encryptAtRest("secret", "p").split(".");
    const ct = Buffer.from(sealed[3]!, "base64url");
    ct[0]! ^= 1;
    sealed[3] = ct.toString("base64url");
    expect(() => decryptAtRest(sealed.join("."), "p")).toThrow();
  });

  it("refuses a shortened authentication tag (GCM needs the full 16 bytes: a 4-byte tag is forgeable)", () => {
    const [v, iv, tag, ct] = encryptAtRest("secret", "p").split(".");
    const full = Buffer.from(tag!, "base64url");
    expect(full).toHaveLength(16);
    for (const length of [4, 8, 12, 15]) {
      const truncated = [v, iv, full.subarray(0, length).toString("base64url"), ct].join(".");
      expect(() => decryptAtRest(truncated, "p"), `${length}-byte tag`).toThrow();
    }
    const longer = [v, iv, Buffer.concat([full, Buffer.from([0])]).toString("base64url"), ct].join(".");
    expect(() => decryptAtRest(longer, "p")).toThrow();
  });

  it("makes 256-bit tokens and compares in constant time", () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(safeEqual("same", "same")).toBe(true);
    expect(safeEqual("same", "sane")).toBe(false);
    expect(safeEqual("short", "longer")).toBe(false);
  });
});
