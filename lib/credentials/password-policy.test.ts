import { describe, expect, it } from "vitest";
import { evaluatePassword, passwordLength, PASSWORD_MAX_LENGTH } from "./password-policy";

const codes = (pw: string, ctx = {}) => evaluatePassword(pw, ctx).issues.map((i) => i.code);

describe("password policy (NIST 800-63B rev 4)", () => {
  it("requires 15 characters when the password is the only factor, 8 with MFA", () => {
    expect(codes("vivid-otter-42")).toContain("too_short"); // 14
    expect(codes("vivid-otter-427")).toEqual([]); // 15
    expect(codes("vivid-ot", { singleFactor: false })).toEqual([]);
    expect(codes("vivid-o", { singleFactor: false })).toContain("too_short");
  });

  it("counts code points, so emoji and combining forms are not penalised or inflated", () => {
    expect(passwordLength("🦊🦊🦊")).toBe(3);
    // NFKC folds "ﬁ" (one ligature) into "fi" (two letters): normalisation happens before counting.
    expect(passwordLength("ﬁ")).toBe(2);
    expect(passwordLength("e\u0301")).toBe(1);
  });

  it("accepts long passphrases without composition rules", () => {
    expect(codes("correct horse battery staple")).toEqual([]);
    expect(codes("ünïcødé pässwörd phrase")).toEqual([]);
  });

  it("refuses passwords over the maximum length", () => {
    expect(codes("x".repeat(PASSWORD_MAX_LENGTH + 1))).toEqual(["too_long"]);
  });

  it("refuses common passwords from the blocklist, including with digits appended", () => {
    expect(codes("password1234567")).toContain("common");
    expect(codes("1234567890123456")).toContain("guessable");
    expect(codes("iloveyou!!!!!!!!!")).toContain("common");
  });

  it("refuses repeated and keyboard-pattern strings", () => {
    expect(codes("aaaaaaaaaaaaaaaa")).toContain("guessable");
    expect(codes("qwertyuiopasdfgh")).toContain("guessable");
  });

  it("refuses context words: email local part, display name, product name", () => {
    expect(codes("marguerite-is-great", { email: "marguerite@example.com" })).toContain("contains_context");
    expect(codes("my Bartholomew secret", { displayName: "Bartholomew Jones" })).toContain("contains_context");
    expect(codes("i-love-portico-so-much")).toContain("contains_context");
  });
});
