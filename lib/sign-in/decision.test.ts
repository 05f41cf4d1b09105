// The decision table: risk decision × how the first factor was proved × the account's factors ×
// a trusted browser -> the next step, with the session's amr and acr when it signs in.
import { describe, expect, it } from "vitest";
import { ACR_MULTI_FACTOR, ACR_ONE_FACTOR } from "@/lib/oidc";
import type { RiskAction } from "@/lib/risk";
import { decideNextStep, trustedDeviceCounts, type NextStep, type SignInFacts } from "./decision";

const NONE = { hasSecondFactor: false, strongMethods: [] } as const;
const TOTP = { hasSecondFactor: true, strongMethods: ["totp"] } as const;
/** An account whose only factor is a phone number (not phishing-resistant). */
const SMS_ONLY = { hasSecondFactor: true, strongMethods: [] } as const;

const PASSWORD: NextStep = { kind: "allow", via: "password", amr: ["pwd"], acr: ACR_ONE_FACTOR };
const TRUSTED: NextStep = { kind: "allow", via: "trusted_device", amr: ["pwd", "mfa"], acr: ACR_MULTI_FACTOR };
const PASSKEY: NextStep = { kind: "allow", via: "passkey", amr: ["hwk", "user", "mfa"], acr: ACR_MULTI_FACTOR };
const ANY_FACTOR: NextStep = { kind: "second_step", methods: [], amr: ["pwd"] };
const STRONG_ONLY: NextStep = { kind: "second_step", methods: ["totp"], amr: ["pwd"] };
const EMAILED_CODE: NextStep = { kind: "emailed_code", amr: ["pwd"] };
const DENY: NextStep = { kind: "deny", risky: false };
const DENY_UNMET_STEP_UP: NextStep = { kind: "deny", risky: true };

type Row = [action: RiskAction, method: SignInFacts["method"], account: Pick<SignInFacts, "hasSecondFactor" | "strongMethods">, trustedDevice: boolean, expected: NextStep];

const table: Row[] = [
  // allow: the password alone, unless the account has a second factor (a trusted browser stands in)
  ["allow", "password", NONE, false, PASSWORD],
  ["allow", "password", NONE, true, PASSWORD],
  ["allow", "password", TOTP, false, ANY_FACTOR],
  ["allow", "password", TOTP, true, TRUSTED],
  ["allow", "password", SMS_ONLY, false, ANY_FACTOR],
  ["allow", "passkey", NONE, false, PASSKEY],
  // mfa: a second step even without a factor (an emailed code); a trusted browser counts
  ["mfa", "password", NONE, false, EMAILED_CODE],
  ["mfa", "password", NONE, true, EMAILED_CODE],
  ["mfa", "password", TOTP, false, ANY_FACTOR],
  ["mfa", "password", TOTP, true, TRUSTED],
  ["mfa", "passkey", TOTP, false, PASSKEY],
  // strong_mfa: a passkey or authenticator app only, never a trusted browser; refused without one
  ["strong_mfa", "password", TOTP, false, STRONG_ONLY],
  ["strong_mfa", "password", TOTP, true, STRONG_ONLY],
  ["strong_mfa", "password", SMS_ONLY, true, DENY_UNMET_STEP_UP],
  ["strong_mfa", "password", NONE, false, DENY_UNMET_STEP_UP],
  ["strong_mfa", "passkey", NONE, false, PASSKEY],
  // reset_password, lock, deny: no session, whatever the account and the method
  ["reset_password", "password", TOTP, true, { kind: "reset_password" }],
  ["reset_password", "passkey", NONE, false, { kind: "reset_password" }],
  ["lock", "password", TOTP, true, { kind: "lock" }],
  ["lock", "passkey", NONE, false, { kind: "lock" }],
  ["deny", "password", TOTP, true, DENY],
  ["deny", "passkey", NONE, false, DENY],
];

describe("decideNextStep", () => {
  it.each(table)("%s after %s, factors %j, trusted browser %s", (action, method, account, trustedDevice, expected) => {
    expect(decideNextStep({ action, method, ...account, trustedDevice })).toEqual(expected);
  });
});

describe("decideNextStep after a federated sign-in", () => {
  const FED = ["fed"];
  const FED_MFA = ["fed", "mfa", "otp"]; // a trusted upstream asserted its own second factor
  const federated = (amr: string[]): NextStep => ({ kind: "allow", via: "federated", amr, acr: achievedAcrOf(amr) });
  const achievedAcrOf = (amr: string[]) => (amr.includes("mfa") ? ACR_MULTI_FACTOR : ACR_ONE_FACTOR);
  it.each([
    // As a password: one factor, the account's second factor asked for when it has one.
    ["allow", FED, NONE, false, federated(FED)],
    ["allow", FED, TOTP, false, { kind: "second_step", methods: [], amr: FED }],
    ["allow", FED, TOTP, true, { kind: "allow", via: "trusted_device", amr: ["fed", "mfa"], acr: ACR_MULTI_FACTOR }],
    ["mfa", FED, NONE, false, { kind: "emailed_code", amr: FED }],
    // The upstream's own second factor is kept in amr (and raises acr when nothing more is asked),
    // but never stands in for a step Portico asks for.
    ["allow", FED_MFA, NONE, false, federated(FED_MFA)],
    ["allow", FED_MFA, TOTP, false, { kind: "second_step", methods: [], amr: FED_MFA }],
    ["mfa", FED_MFA, NONE, false, { kind: "emailed_code", amr: FED_MFA }],
    ["strong_mfa", FED_MFA, TOTP, false, { kind: "second_step", methods: ["totp"], amr: FED_MFA }],
    ["strong_mfa", FED_MFA, NONE, false, DENY_UNMET_STEP_UP],
    ["deny", FED_MFA, TOTP, false, DENY],
  ] as [RiskAction, string[], Pick<SignInFacts, "hasSecondFactor" | "strongMethods">, boolean, NextStep][])("%s with upstream amr %j, factors %j, trusted browser %s", (action, upstreamAmr, account, trustedDevice, expected) => {
    expect(decideNextStep({ action, method: "federated", upstreamAmr, ...account, trustedDevice })).toEqual(expected);
  });
});

describe("trustedDeviceCounts", () => {
  // The caller checks (and marks used) a trusted-device token only where it could decide the step.
  it.each([
    ["allow", "password", TOTP, true],
    ["mfa", "password", TOTP, true],
    ["allow", "password", NONE, false],
    ["strong_mfa", "password", TOTP, false],
    ["allow", "passkey", TOTP, false],
    ["deny", "password", TOTP, false],
    ["lock", "password", TOTP, false],
    ["reset_password", "password", TOTP, false],
  ] as const)("%s after %s, factors %j: %s", (action, method, account, counts) => {
    expect(trustedDeviceCounts({ action, method, ...account })).toBe(counts);
  });
});
