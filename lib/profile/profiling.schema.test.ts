// The progressive profiling policy's text form and the pure decision of what to ask.
import { describe, expect, it } from "vitest";
import { countsSignIns, parseProfilingLines, profilingDecision, profilingLines, type ProfilingPolicy, type ProfilingState } from "./profiling.schema";

const NOW = new Date("2026-12-11T12:00:00Z");
const DAY = 86_400_000;
const policy: ProfilingPolicy = {
  remindAfterDays: 30,
  rules: [
    { attribute: "tier", blocking: true, fromSignIn: 1 },
    { attribute: "newsletter", blocking: false, fromSignIn: 1 },
    { attribute: "shoe_size", blocking: false, fromSignIn: 3 },
  ],
};
const state = (s: Partial<ProfilingState> = {}): ProfilingState => ({
  answered: new Set(),
  askable: new Set(["tier", "newsletter", "shoe_size"]),
  skippedAt: new Map(),
  signIns: 0,
  ...s,
});
const asked = (s: Partial<ProfilingState>, p: ProfilingPolicy | null = policy) => profilingDecision(p, state(s), NOW)?.ask.map((r) => r.attribute) ?? [];

describe("profilingDecision", () => {
  it("asks nothing without a policy, or when everything is answered", () => {
    expect(profilingDecision(null, state(), NOW)).toBeNull();
    expect(profilingDecision(policy, state({ answered: new Set(["tier", "newsletter", "shoe_size"]) }), NOW)).toBeNull();
  });

  it("asks a missing blocking attribute, and says so", () => {
    expect(profilingDecision(policy, state({ answered: new Set(["newsletter"]) }), NOW)).toEqual({ ask: [policy.rules[0]], blocking: true });
    expect(profilingDecision(policy, state({ answered: new Set(["tier"]) }), NOW)).toEqual({ ask: [policy.rules[1]], blocking: false });
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

describe("parseProfilingLines", () => {
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
