// The ticked consent purposes of a hosted form (registration, the sign-in's profile questions).
import { describe, expect, it } from "vitest";
import { tickedPurposes, tickedPurposesEcho } from "./form-action";

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe("tickedPurposes", () => {
  it("reads consent.<key> = version, ignoring other fields and malformed versions", () => {
    const f = form([["consent.news", "2"], ["email", "a@example.com"], ["consent.offers", "on"], ["consent.bad", "-1"], ["consent.big", "12345678"], ["consentx.news", "1"]]);
    expect(tickedPurposes(f)).toEqual({ news: 2 });
    expect(tickedPurposesEcho(f)).toEqual({ "consent.news": "2" });
  });

  it("is bounded: at most 20 purposes and 64 characters of a key", () => {
    const many = form(Array.from({ length: 30 }, (_, i) => [`consent.p${i}`, "1"] as [string, string]));
    expect(Object.keys(tickedPurposes(many))).toHaveLength(20);
    const long = tickedPurposes(form([[`consent.${"k".repeat(100)}`, "1"]]));
    expect(Object.keys(long)[0]).toHaveLength(64);
  });
});
