import { describe, expect, it } from "vitest";
import { s256, verifyPkce } from "./pkce";

describe("PKCE (RFC 7636)", () => {
  it("matches the RFC 7636 appendix B test vector", () => {
    expect(s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    expect(verifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256")).toBe(true);
  });
  it("refuses a wrong, missing, short or plain verifier", () => {
    const c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    expect(verifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj", c, "S256")).toBe(false);
    expect(verifyPkce(undefined, c, "S256")).toBe(false);
    expect(verifyPkce("short", s256("short"), "S256")).toBe(false);
    expect(verifyPkce(c, c, "plain")).toBe(false);
  });
});
