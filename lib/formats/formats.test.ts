import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { randomToken } from "@/lib/crypto";
import { BASE64URL_256_BITS, isoDay, isRandomToken, isUuid, isWellFormedInteractionId, jsonColumn, normaliseIp } from "./index";

describe("identifier and token shapes", () => {
  it("accepts the UUIDs the database generates and nothing else", () => {
    expect(isUuid(crypto.randomUUID())).toBe(true);
    expect(isUuid(crypto.randomUUID().toUpperCase())).toBe(true);
    for (const bad of ["", "x", `${crypto.randomUUID()}\u0000`, crypto.randomUUID().replace(/-/g, ""), 42, null, undefined]) expect(isUuid(bad)).toBe(false);
  });

  it("accepts randomToken()'s 32-byte output and SHA-256 digests in base64url", () => {
    expect(isRandomToken(randomToken())).toBe(true);
    expect(BASE64URL_256_BITS.test(crypto.createHash("sha256").update("v").digest("base64url"))).toBe(true);
    for (const bad of [randomToken(24), `${randomToken()}=`, "A".repeat(42) + "+", "A".repeat(42) + "\u0000", null]) expect(isRandomToken(bad)).toBe(false);
  });

  it("accepts interaction ids of 16 to 64 base64url characters", () => {
    expect(isWellFormedInteractionId(randomToken(24))).toBe(true);
    for (const bad of ["x".repeat(15), "x".repeat(65), "abc%00def".padEnd(20, "x"), undefined]) expect(isWellFormedInteractionId(bad)).toBe(false);
  });
});

describe("normaliseIp", () => {
  it("turns an IPv4-mapped IPv6 address into plain IPv4 and leaves every other address alone", () => {
    expect(normaliseIp("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(normaliseIp("::FFFF:198.51.100.7")).toBe("198.51.100.7");
    expect(normaliseIp("198.51.100.7")).toBe("198.51.100.7");
    expect(normaliseIp("2001:db8::1")).toBe("2001:db8::1");
    expect(normaliseIp("::ffff:c633:6407")).toBe("::ffff:c633:6407");
  });
});

describe("jsonColumn and isoDay", () => {
  it("parses a JSON column's text, passes a parsed value through, and gives undefined for text that is not JSON", () => {
    expect(jsonColumn('{"a":[1]}')).toEqual({ a: [1] });
    expect(jsonColumn({ a: 1 })).toEqual({ a: 1 });
    expect(jsonColumn(null)).toBeNull();
    expect(jsonColumn("{")).toBeUndefined();
  });

  it("prints the UTC calendar day", () => {
    expect(isoDay(new Date("2026-12-06T23:59:59.999Z"))).toBe("2026-12-06");
  });
});
