import { describe, expect, it } from "vitest";
import { displayNameSchema, emailSchema, registrationSchema, tokenSchema } from "./users.schema";

describe("input schemas", () => {
  it("normalises emails: trims, lower-cases, NFC", () => {
    expect(emailSchema.parse("  Ada@Example.COM ")).toBe("ada@example.com");
  });

  it.each([
    ["", /Enter your email/],
    ["no-at-sign", /valid email/],
    ["a@b", /valid email/],
    [`${"a".repeat(250)}@example.com`, /at most 254/],
    ["ada@exa mple.com", /valid email/],
    ["ada@example.com\r\nBcc: x@y.z", /valid email/],
  ])("refuses the email %j", (input, message) => {
    const r = emailSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(message);
  });

  it("refuses non-string input without throwing", () => {
    expect(emailSchema.safeParse(null).success).toBe(false);
    expect(emailSchema.safeParse({ toString: () => "x@y.z" }).success).toBe(false);
  });

  it("accepts Unicode names, refuses control, zero-width and bidi-override characters and overlong names", () => {
    expect(displayNameSchema.parse("  Zoë Ñúñez 李雷  ")).toBe("Zoë Ñúñez 李雷");
    expect(displayNameSchema.parse("e\u0301")).toBe("é"); // NFC
    expect(displayNameSchema.parse("")).toBeUndefined();
    for (const bad of ["Evil\u202Eman", "a\u0000b", "zero\u200Bwidth", "x".repeat(101)]) {
      expect(displayNameSchema.safeParse(bad).success).toBe(false);
    }
  });

  it("requires accepting the terms", () => {
    const r = registrationSchema.safeParse({ email: "a@example.com", password: "p", acceptTerms: undefined });
    expect(r.error?.issues.map((i) => i.path[0])).toEqual(["acceptTerms"]);
  });

  it("accepts only well-formed tokens", () => {
    expect(tokenSchema.safeParse("A".repeat(43)).success).toBe(true);
    for (const bad of ["A".repeat(42), "A".repeat(44), "<script>".padEnd(43, "x"), "A".repeat(42) + "="]) {
      expect(tokenSchema.safeParse(bad).success).toBe(false);
    }
  });
});
