// The administrator's lists: a deny-listed address (or range) is refused whatever else is true;
// an allow-listed one (an office network) lowers the score.
import type { RiskSettings } from "../risk-settings";
import type { Signal, SignInFacts } from "../risk.types";

export function ipReputation(facts: SignInFacts, settings: RiskSettings): Signal | null {
  if (facts.ipList === "deny") return { code: "ip_denylisted", score: 100, reason: `address ${facts.ip} is on the deny list`, requires: "deny" };
  if (facts.ipList === "allow") return { code: "ip_allowlisted", score: settings.scores.ip_allowlisted, reason: `address ${facts.ip} is on the allow list` };
  return null;
}
