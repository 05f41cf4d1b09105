// The progressive profiling policy's text form and the pure decision of what to ask.
import { describe, expect, it } from "vitest";
import { countsSignIns, parseProfilingLines, profilingDecision, profilingLines, profilingPolicyOf, purposeQuestionKey, type ProfilingPolicy, type ProfilingState, type PurposeState } from "./profiling.schema";

const NOW = new Date("2026-12-11T12:00:00Z");
const DAY = 86_400_000;
const policy: ProfilingPolicy = {
  remindAfterDays: 30,
  rules: [
    { attribute: "tier", blocking: true, when: { on: "sign_in", from: 1 } },
    { attribute: "newsletter", blocking: false, when: { on: "sign_in", from: 1 } },
    { attribute: "shoe_size", blocking: false, when: { on: "sign_in", from: 3 } },
  ],
  purposes: [],
};
const state = (s: Partial<ProfilingState> = {}): ProfilingState => ({
  answered: new Set(),
  askable: new Set(["tier", "newsletter", "shoe_size"]),
  skippedAt: new Map(),
  signIns: 0,
  purposes: new Map(),
  ...s,
});
const asked = (s: Partial<ProfilingState>, p: ProfilingPolicy | null = policy) => profilingDecision(p, state(s), NOW)?.ask.map((r) => r.attribute) ?? [];

describe("profilingDecision", () => {
  it("asks nothing without a policy, or when everything is answered", () => {
    expect(profilingDecision(null, state(), NOW)).toBeNull();
    expect(profilingDecision(policy, state({ answered: new Set(["tier", "newsletter", "shoe_size"]) }), NOW)).toBeNull();
  });

  it("asks a missing blocking attribute, and says so", () => {
    expect(profilingDecision(policy, state({ answered: new Set(["newsletter"]) }), NOW)).toEqual({ ask: [policy.rules[0]], offer: [], renewals: [], blocking: true });
    expect(profilingDecision(policy, state({ answered: new Set(["tier"]) }), NOW)).toEqual({ ask: [policy.rules[1]], offer: [], renewals: [], blocking: false });
  });

  it("continues while a skippable attribute was skipped within the window, asks again after it; a blocking one is never skipped", () => {
    const answeredTier = new Set(["tier"]);
    expect(asked({ answered: answeredTier, skippedAt: new Map([["newsletter", new Date(NOW.getTime() - 29 * DAY)]]) })).toEqual([]);
    expect(asked({ answered: answeredTier, skippedAt: new Map([["newsletter", new Date(NOW.getTime() - 30 * DAY)]]) })).toEqual(["newsletter"]);
    expect(asked({ skippedAt: new Map([["tier", NOW]]) })).toContain("tier");
    // The window is the application's.
    expect(asked({ answered: answeredTier, skippedAt: new Map([["newsletter", new Date(NOW.getTime() - 2 * DAY)]]) }, { ...policy, remindAfterDays: 1 })).toEqual(["newsletter"]);
  });

  it("asks a from-the-Nth-sign-in attribute only from that sign-in on", () => {
    const answered = new Set(["tier", "newsletter"]);
    expect(asked({ answered, signIns: 0 })).toEqual([]);
    expect(asked({ answered, signIns: 1 })).toEqual([]);
    expect(asked({ answered, signIns: 2 })).toEqual(["shoe_size"]); // this is the third
    expect(asked({ answered, signIns: 40 })).toEqual(["shoe_size"]);
  });

  it("never asks an attribute that no longer exists or that the customer may not write", () => {
    expect(asked({ askable: new Set(["newsletter"]) })).toEqual(["newsletter"]);
  });

  it("counts sign-ins only for applications with a policy", () => {
    expect(countsSignIns(null)).toBe(false);
    expect(countsSignIns(policy)).toBe(true);
  });
});

describe("profilingDecision's triggers and purposes", () => {
  const triggers: ProfilingPolicy = {
    remindAfterDays: 30,
    rules: [
      { attribute: "shoe_size", blocking: false, when: { on: "registration" } },
      { attribute: "company", blocking: true, when: { on: "scope", scope: "address" } },
      { attribute: "category", blocking: false, when: { on: "purpose", purpose: "offers" } },
    ],
    purposes: ["offers", "partners", "gone"],
  };
  const all = new Set(["shoe_size", "company", "category"]);
  const purposes = (offers: PurposeState["decision"], partners: PurposeState["decision"] = null) =>
    new Map([
      ["offers", { current: 2, decision: offers }],
      ["partners", { current: 1, decision: partners }],
    ]);
  const decide = (s: Partial<ProfilingState>, scopes: string[] = []) => profilingDecision(triggers, state({ askable: all, purposes: purposes(null), ...s }), NOW, new Set(scopes));

  it("asks an at-registration attribute at the first sign-in to the application only", () => {
    expect(decide({ signIns: 0 })?.ask.map((r) => r.attribute)).toEqual(["shoe_size"]);
    expect(decide({ signIns: 1 })?.ask.map((r) => r.attribute)).toEqual([]);
  });

  it("asks a with-scope attribute only when the authorization requests the scope", () => {
    expect(decide({ signIns: 1 }, ["openid"])?.ask).toEqual([]);
    expect(decide({ signIns: 1 }, ["openid", "address"])).toMatchObject({ ask: [{ attribute: "company" }], blocking: true });
  });

  it("asks a for-purpose attribute only once the customer gave consent to the purpose", () => {
    expect(decide({ signIns: 1 })?.ask).toEqual([]);
    expect(decide({ signIns: 1, purposes: purposes({ status: "withdrawn", version: 2 }) })?.ask ?? []).toEqual([]);
    expect(decide({ signIns: 1, purposes: purposes({ status: "given", version: 1 }) })?.ask.map((r) => r.attribute)).toEqual(["category"]);
  });

  it("offers a purpose never decided, or given to an older text; never one withdrawn, unknown, or skipped within the window; never blocking", () => {
    expect(decide({ signIns: 1 })).toMatchObject({ offer: ["offers", "partners"], renewals: [], blocking: false });
    expect(decide({ signIns: 1, purposes: purposes({ status: "given", version: 1 }, { status: "given", version: 1 }) })).toMatchObject({ offer: ["offers"], renewals: ["offers"] });
    expect(decide({ signIns: 1, purposes: purposes({ status: "withdrawn", version: 1 }, { status: "given", version: 1 }) })).toBeNull();
    const skipped = new Map([[purposeQuestionKey("offers"), new Date(NOW.getTime() - 29 * DAY)]]);
    expect(decide({ signIns: 1, skippedAt: skipped })?.offer).toEqual(["partners"]);
    expect(decide({ signIns: 1, skippedAt: new Map([[purposeQuestionKey("offers"), new Date(NOW.getTime() - 30 * DAY)]]) })?.offer).toEqual(["offers", "partners"]);
  });
});

describe("profilingPolicyOf", () => {
  it("reads a policy stored before triggers (fromSignIn) as a sign-in trigger, and refuses garbage", () => {
    expect(profilingPolicyOf(JSON.stringify({ remindAfterDays: 7, rules: [{ attribute: "tier", blocking: true, fromSignIn: 2 }] }))).toEqual({
      remindAfterDays: 7,
      rules: [{ attribute: "tier", blocking: true, when: { on: "sign_in", from: 2 } }],
      purposes: [],
    });
    expect(profilingPolicyOf({ remindAfterDays: 7, rules: [{ attribute: "tier", blocking: true, when: { on: "moon" } }] })).toBeNull();
    expect(profilingPolicyOf("{")).toBeNull();
  });
});

describe("parseProfilingLines", () => {
  it("reads every trigger and purposes, and writes them back the same", () => {
    const text = "shoe_size optional at registration\ncompany required with scope address\ncategory optional for purpose offers\npurpose offers\npurpose partners";
    const parsed = parseProfilingLines(text, 30);
    expect(parsed).toMatchObject({ ok: true, policy: { rules: [{ when: { on: "registration" } }, { when: { on: "scope", scope: "address" } }, { when: { on: "purpose", purpose: "offers" } }], purposes: ["offers", "partners"] } });
    expect(profilingLines((parsed as { policy: ProfilingPolicy }).policy)).toBe(text);
    expect(parseProfilingLines("purpose offers", 30)).toMatchObject({ ok: true, policy: { rules: [], purposes: ["offers"] } });
    expect(parseProfilingLines("purpose offers\npurpose offers", 30)).toMatchObject({ ok: false, message: /purpose offers is listed twice/ });
    expect(parseProfilingLines("purpose Offers", 30)).toMatchObject({ ok: false, message: /Line 1: name a purpose/ });
    expect(parseProfilingLines("purpose offers extra", 30)).toMatchObject({ ok: false, message: /Line 1/ });
    expect(parseProfilingLines("tier required with scope", 30)).toMatchObject({ ok: false, message: /Line 1: end the line/ });
    expect(parseProfilingLines("tier required with scope a\"b", 30)).toMatchObject({ ok: false, message: /Line 1: Name a scope/ });
    expect(parseProfilingLines("tier required at sign-up", 30)).toMatchObject({ ok: false, message: /Line 1/ });
  });

  it("reads one attribute a line and writes it back the same", () => {
    const parsed = parseProfilingLines("tier required\n\n  newsletter optional\nshoe_size optional from 3 ", 30);
    expect(parsed).toEqual({ ok: true, policy });
    expect(profilingLines(policy)).toBe("tier required\nnewsletter optional\nshoe_size optional from 3");
    expect(parseProfilingLines("  \n", 30)).toEqual({ ok: true, policy: null });
  });

  it("refuses what it cannot read, with the line", () => {
    expect(parseProfilingLines("tier", 30)).toMatchObject({ ok: false, message: /Line 1: say required or optional/ });
    expect(parseProfilingLines("tier required\nnews optional after 3", 30)).toMatchObject({ ok: false, message: /Line 2/ });
    expect(parseProfilingLines("tier required from 0", 30)).toMatchObject({ ok: false, message: /Line 1/ });
    expect(parseProfilingLines("Tier required", 30)).toMatchObject({ ok: false, message: /Line 1: Name an attribute/ });
    expect(parseProfilingLines("tier required\ntier optional", 30)).toMatchObject({ ok: false, message: /listed twice/ });
    expect(parseProfilingLines("tier required", 0)).toMatchObject({ ok: false, field: "remindAfterDays" });
    expect(parseProfilingLines("tier required", Number.NaN)).toMatchObject({ ok: false, field: "remindAfterDays" });
  });
});
