// A browser this account never signed in from (no matching signed device cookie, or another
// browser family behind the same cookie). The account's very first sign-in has nothing to compare.
import type { RiskSettings } from "../risk-settings";
import type { Signal, SignInFacts } from "../risk.types";

export function newDevice(facts: SignInFacts, settings: RiskSettings): Signal | null {
  if (facts.knownDevice || facts.successCount === 0) return null;
  return { code: "new_device", score: settings.scores.new_device, reason: `new device (${facts.userAgentFamily})` };
}
