// Every signal, the two examples the risk engine must get right, and the policy step, with fixed
// clocks and fixed geo data (no database, no geo-IP file).
import { describe, expect, it } from "vitest";
import { distanceKm } from "./geo";
import { evaluateRisk } from "./pipeline";
import { decide, ruleMatches } from "./policy";
import { riskRuleSchema, type RiskRule } from "./risk-rules.schema";
import { DEFAULT_RISK_SETTINGS as S, riskSettingsSchema } from "./risk-settings";
import type { GeoPoint, SignInFacts } from "./risk.types";
import { geoVelocity } from "./signals/geo-velocity";
import { unusualTime, usualHours } from "./signals/unusual-time";
import { newDevice } from "./signals/new-device";
import { ipReputation } from "./signals/ip-reputation";
import { failureVelocity } from "./signals/velocity";
import { compromisedPassword } from "./signals/compromised-password";
import { transactionValue } from "./signals/transaction-value";

const MADRID: GeoPoint = { country: "ES", city: "Madrid", lat: 40.4168, lon: -3.7038 };
const TOKYO: GeoPoint = { country: "JP", city: "Tokyo", lat: 35.6762, lon: 139.6503 };
const TOLEDO: GeoPoint = { country: "ES", city: "Toledo", lat: 39.8628, lon: -4.0273 };
const NEW_YORK: GeoPoint = { country: "US", city: "New York", lat: 40.7128, lon: -74.006 };
const BEIJING: GeoPoint = { country: "CN", city: "Beijing", lat: 39.9042, lon: 116.4074 };
const AT = new Date("2026-11-30T12:00:00Z");
const minutesBefore = (m: number, at = AT) => new Date(at.getTime() - m * 60_000);

/** An account with a calm history, signing in from its usual browser. */
function facts(over: Partial<SignInFacts> = {}): SignInFacts {
  return {
    at: AT,
    method: "password",
    ip: "81.45.3.1",
    geo: MADRID,
    ipList: null,
    knownDevice: true,
    userAgentFamily: "Chrome on macOS",
    previous: { at: minutesBefore(24 * 60), geo: MADRID },
    successCount: 30,
    hourHistory: [],
    failures: { account: 0, ip: 0, accountsFromIp: 0 },
    compromisedPassword: false,
    transactionValue: null,
    clientId: null,
    ...over,
  };
}

describe("geo-velocity", () => {
  it("computes great-circle distances", () => {
    expect(distanceKm(MADRID, TOKYO)).toBeGreaterThan(10_700);
    expect(distanceKm(MADRID, TOKYO)).toBeLessThan(10_800);
    expect(distanceKm(MADRID, MADRID)).toBe(0);
  });

  it("example: a sign-in from the USA, then from China within the hour, is a high-risk event", () => {
    const r = evaluateRisk(facts({ geo: BEIJING, previous: { at: minutesBefore(50), geo: NEW_YORK } }), S);
    expect(r.signals.map((s) => s.code)).toEqual(["impossible_travel"]);
    expect(r.band).toBe("high");
    expect(r.action).toBe("strong_mfa");
    expect(r.explanation).toMatch(/^impossible travel from New York, US to Beijing, CN: 10,\d{3} km in 50 min$/);
  });

  it("leaves travel at airliner speed, short hops and missing locations alone", () => {
    expect(geoVelocity(facts({ geo: TOKYO, previous: { at: minutesBefore(14 * 60), geo: MADRID } }), S)).toBeNull(); // ~770 km/h
    expect(geoVelocity(facts({ geo: TOLEDO, previous: { at: minutesBefore(1), geo: MADRID } }), S)).toBeNull(); // 70 km: noise
    expect(geoVelocity(facts({ geo: null }), S)).toBeNull();
    expect(geoVelocity(facts({ previous: null }), S)).toBeNull();
    expect(geoVelocity(facts({ geo: TOKYO, previous: { at: minutesBefore(40), geo: MADRID } }), S)?.reason).toBe("impossible travel from Madrid, ES to Tokyo, JP: 10,762 km in 40 min");
  });

  it("takes its threshold from the settings", () => {
    const slowPlanes = riskSettingsSchema.parse({ impossibleTravelKmh: 500 });
    expect(geoVelocity(facts({ geo: TOKYO, previous: { at: minutesBefore(14 * 60), geo: MADRID } }), slowPlanes)).not.toBeNull();
  });
});

describe("unusual time", () => {
  // 9 in 10 sign-ins between 21:00 and 23:00 UTC, one at noon.
  const evenings = [21, 21.25, 21.5, 21.75, 22, 22.25, 22.5, 22.75, 23, 12];

  it("finds the shortest stretch of the clock holding 90 % of the history, across midnight too", () => {
    expect(usualHours(evenings, 0.9)).toEqual({ start: 21, length: 2 });
    expect(usualHours([23, 23.5, 0, 0.5, 1, 23.75, 0.25, 1.5, 0.75, 12], 0.9)).toEqual({ start: 23, length: 2.5 });
  });

  it("example: that user signing in at 02:30 UTC is a medium-risk event", () => {
    const r = evaluateRisk(facts({ at: new Date("2026-11-30T02:30:00Z"), hourHistory: evenings }), S);
    expect(r.signals.map((s) => s.code)).toEqual(["unusual_time"]);
    expect(r.band).toBe("medium");
    expect(r.action).toBe("mfa");
    expect(r.explanation).toBe("unusual time: 02:30 UTC, while 90 % of sign-ins are between 21:00 and 23:00 UTC");
  });

  it("allows an hour either side, and needs enough history", () => {
    expect(unusualTime(facts({ at: new Date("2026-11-30T23:45:00Z"), hourHistory: evenings }), S)).toBeNull();
    expect(unusualTime(facts({ at: new Date("2026-11-30T20:15:00Z"), hourHistory: evenings }), S)).toBeNull();
    expect(unusualTime(facts({ at: new Date("2026-11-30T19:30:00Z"), hourHistory: evenings }), S)).not.toBeNull();
    expect(unusualTime(facts({ at: new Date("2026-11-30T02:30:00Z"), hourHistory: evenings.slice(0, 9) }), S)).toBeNull();
  });
});

describe("the other signals", () => {
  it("new device: medium on a known account, nothing on its first sign-in", () => {
    expect(newDevice(facts({ knownDevice: false }), S)).toMatchObject({ code: "new_device", reason: "new device (Chrome on macOS)" });
    expect(evaluateRisk(facts({ knownDevice: false }), S)).toMatchObject({ band: "medium", action: "mfa" });
    expect(newDevice(facts({ knownDevice: false, successCount: 0 }), S)).toBeNull();
    expect(newDevice(facts(), S)).toBeNull();
  });

  it("IP reputation: the deny list denies whatever the score; the allow list lowers it", () => {
    const denied = evaluateRisk(facts({ ipList: "deny" }), S);
    expect(denied.action).toBe("deny");
    expect(ipReputation(facts({ ipList: "allow" }), S)?.score).toBeLessThan(0);
    expect(evaluateRisk(facts({ ipList: "allow", knownDevice: false }), S)).toMatchObject({ score: 0, action: "allow" });
  });

  it("failure velocity: guessing on the account, noise from an address, credential stuffing", () => {
    expect(failureVelocity(facts({ failures: { account: 3, ip: 3, accountsFromIp: 1 } }), S).map((s) => s.code)).toEqual(["account_failures"]);
    expect(failureVelocity(facts({ failures: { account: 0, ip: 25, accountsFromIp: 2 } }), S).map((s) => s.code)).toEqual(["ip_failures"]);
    expect(failureVelocity(facts({ failures: { account: 0, ip: 40, accountsFromIp: 12 } }), S).map((s) => s.code)).toEqual(["credential_stuffing"]);
    expect(failureVelocity(facts({ failures: { account: 2, ip: 19, accountsFromIp: 4 } }), S)).toEqual([]);
    expect(evaluateRisk(facts({ failures: { account: 0, ip: 40, accountsFromIp: 12 } }), S).band).toBe("medium");
  });

  it("compromised password: a password reset first, whatever the score (not for passkeys)", () => {
    expect(evaluateRisk(facts({ compromisedPassword: true }), S)).toMatchObject({ score: 0, action: "reset_password" });
    expect(compromisedPassword(facts({ compromisedPassword: true, method: "passkey" }))).toBeNull();
  });

  it("transaction value: step-up above the threshold", () => {
    expect(transactionValue(facts({ transactionValue: 1000 }), S)).toBeNull();
    expect(evaluateRisk(facts({ transactionValue: 2500 }), S)).toMatchObject({ band: "low", action: "mfa" });
    expect(transactionValue(facts({ transactionValue: 2500 }), riskSettingsSchema.parse({ stepUpAboveValue: null }))).toBeNull();
  });

  it("a calm sign-in is allowed with nothing to explain", () => {
    expect(evaluateRisk(facts(), S)).toMatchObject({ score: 0, band: "low", action: "allow", signals: [], explanation: "nothing unusual" });
  });

  it("caps the score at 100 and adds the reasons up", () => {
    const r = evaluateRisk(facts({ knownDevice: false, geo: TOKYO, previous: { at: minutesBefore(40), geo: MADRID }, failures: { account: 5, ip: 50, accountsFromIp: 20 } }), S);
    expect(r.score).toBe(100);
    expect(r.explanation).toMatch(/^impossible travel .* \+ new device \(Chrome on macOS\) \+ 5 failed sign-ins on this account in 15 min \+ 20 accounts failed/);
  });
});

describe("policy and rules", () => {
  const rule = (over: Partial<RiskRule> & Pick<RiskRule, "conditions" | "action">): RiskRule => riskRuleSchema.parse({ name: "r", ...over });

  it("validates conditions against the feature's type", () => {
    expect(riskRuleSchema.safeParse({ name: "x", conditions: [{ feature: "country", op: "gt", value: "ES" }], action: "deny" }).success).toBe(false);
    expect(riskRuleSchema.safeParse({ name: "x", conditions: [{ feature: "score", op: "eq", value: "high" }], action: "deny" }).success).toBe(false);
    expect(riskRuleSchema.safeParse({ name: "x", conditions: [{ feature: "country", op: "in", value: "ES" }], action: "deny" }).success).toBe(false);
    expect(riskRuleSchema.safeParse({ name: "x", conditions: [{ feature: "nope", op: "eq", value: 1 }], action: "deny" }).success).toBe(false);
    expect(riskRuleSchema.safeParse({ name: "x", conditions: [], action: "deny" }).success).toBe(false);
    expect(riskRuleSchema.safeParse({ name: "x", conditions: [{ feature: "country", op: "in", value: ["KP", "IR"] }], action: "explode" }).success).toBe(false);
  });

  it("a matching rule raises the decision; all/any; per application; disabled rules do nothing", () => {
    const countries = rule({ conditions: [{ feature: "country", op: "in", value: ["JP", "CN"] }], action: "deny" });
    const r = evaluateRisk(facts({ geo: TOKYO, previous: { at: minutesBefore(20 * 60), geo: MADRID } }), S, [{ ...countries, id: "rule-1" }]);
    expect(r).toMatchObject({ action: "deny", matchedRules: ["rule-1"] });
    const both = rule({ match: "all", conditions: [{ feature: "new_device", op: "eq", value: true }, { feature: "hour_utc", op: "lt", value: 6 }], action: "strong_mfa" });
    const either = rule({ match: "any", conditions: [{ feature: "new_device", op: "eq", value: true }, { feature: "hour_utc", op: "lt", value: 6 }], action: "strong_mfa" });
    const f = evaluateRisk(facts({ knownDevice: false }), S).features;
    expect(ruleMatches(both, f)).toBe(false);
    expect(ruleMatches(either, f)).toBe(true);
    expect(ruleMatches({ ...either, clientId: "other-app" }, f)).toBe(false);
    expect(ruleMatches({ ...either, clientId: "bank" }, { ...f, client_id: "bank" })).toBe(true);
    expect(ruleMatches({ ...either, enabled: false }, f)).toBe(false);
  });

  it("never lowers what the band or a signal asks for", () => {
    const lenient = rule({ conditions: [{ feature: "score", op: "gte", value: 0 }], action: "allow" });
    expect(decide("high", [], evaluateRisk(facts(), S).features, [lenient], S).action).toBe("strong_mfa");
  });

  it("band actions are settings: a stricter policy denies high risk", () => {
    const strict = riskSettingsSchema.parse({ actions: { low: "allow", medium: "strong_mfa", high: "deny" } });
    expect(evaluateRisk(facts({ geo: BEIJING, previous: { at: minutesBefore(50), geo: NEW_YORK } }), strict).action).toBe("deny");
    expect(evaluateRisk(facts({ knownDevice: false }), strict).action).toBe("strong_mfa");
    expect(riskSettingsSchema.safeParse({ mediumAt: 50, highAt: 40 }).success).toBe(false);
  });
});
