// What a sign-in does next once the first factor is proved: the risk engine's decision (lib/risk,
// which already folds in the application's rules and requested transaction value) made concrete
// for this account and this browser. Pure: the callers read the facts and carry the step out.
//   deny            refused, unexplained
//   lock            the account locks (and its owner gets an unlock link)
//   reset_password  no session: the password is known to attackers, a reset link goes by mail
//   passkey         a user-verified passkey is already two factors: signed in
//   allow           signed in with the password, unless the account has a second factor (then
//                   that is asked for, or a trusted browser stands in for it)
//   mfa             a second step even without an enrolled factor (then an emailed code); a
//                   trusted browser counts
//   strong_mfa      a passkey or authenticator app only, no trusted-browser shortcut; refused
//                   without one (an emailed code would not prove enough)
// A federated sign-in is treated as a password: the upstream's word is one factor ("fed"). What a
// trusted upstream asserted (its own `amr`, "mfa" among them) is kept in the session's `amr`, and
// raises its acr when nothing more is asked, but never stands in for a step Portico asks for: an
// upstream's word about its own second factor is not the account's second factor.
import { achievedAcr } from "@/lib/oidc";
import { PASSKEY_AMR, type SecondFactorMethod } from "@/lib/factors";
import type { RiskAction } from "@/lib/risk";

export interface SignInFacts {
  /** The risk engine's decision for this attempt. */
  action: RiskAction;
  /** How the first factor was proved. */
  method: "password" | "passkey" | "federated";
  /** federated: RFC 8176 `amr` of the sign-in so far ("fed", and what the upstream asserted). */
  upstreamAmr?: readonly string[];
  /** The account has at least one confirmed second factor. */
  hasSecondFactor: boolean;
  /** Its phishing-resistant methods available now (passkeys not flagged, authenticator apps). */
  strongMethods: readonly SecondFactorMethod[];
  /** This browser holds a live trusted-device token of the account (asked only when it can count). */
  trustedDevice: boolean;
}

/** RFC 8176 `amr` of a session and the OIDC `acr` it achieves. */
interface Authenticated {
  amr: string[];
  acr: string;
}

export type NextStep =
  | ({ kind: "allow"; via: "password" | "passkey" | "federated" | "trusted_device" } & Authenticated)
  /** The password alone opens nothing: a pending sign-in waits. `methods` empty: any of the account's. */
  | { kind: "second_step"; methods: SecondFactorMethod[]; amr: string[] }
  /** A second step for an account with no factor: a code emailed to its address. */
  | { kind: "emailed_code"; amr: string[] }
  | { kind: "reset_password" }
  | { kind: "lock" }
  /** `risky`: the decision was a step-up the account cannot meet (the assessment records a refusal). */
  | { kind: "deny"; risky: boolean };

const signedIn = (via: "password" | "passkey" | "federated" | "trusted_device", amr: string[]): NextStep => ({ kind: "allow", via, amr, acr: achievedAcr(amr) });

/**
 * Whether a trusted browser could stand in for the second step: the caller checks the token (which
 * marks it used) only then.
 */
export function trustedDeviceCounts(facts: Omit<SignInFacts, "trustedDevice">): boolean {
  return facts.method !== "passkey" && facts.hasSecondFactor && (facts.action === "allow" || facts.action === "mfa");
}

export function decideNextStep(facts: SignInFacts): NextStep {
  switch (facts.action) {
    case "deny":
      return { kind: "deny", risky: false };
    case "lock":
      return { kind: "lock" };
    case "reset_password":
      return { kind: "reset_password" };
  }
  if (facts.method === "passkey") return signedIn("passkey", [...PASSKEY_AMR, "mfa"]);
  const via = facts.method;
  const first = via === "federated" ? [...(facts.upstreamAmr ?? ["fed"])] : ["pwd"];
  if (facts.action === "allow" && !facts.hasSecondFactor) return signedIn(via, first);
  // A browser trusted after a second step (30 days) stands in for it: still two factors, the
  // first one and this device's token.
  if (trustedDeviceCounts(facts) && facts.trustedDevice) return signedIn("trusted_device", [...first, "mfa"]);
  if (facts.action === "strong_mfa") {
    if (facts.strongMethods.length === 0) return { kind: "deny", risky: true };
    return { kind: "second_step", methods: [...facts.strongMethods], amr: first };
  }
  return facts.hasSecondFactor ? { kind: "second_step", methods: [], amr: first } : { kind: "emailed_code", amr: first };
}
