// Transaction context: an application that signs the user in to approve a payment says how much;
// above the policy's threshold a second factor is needed however calm everything else is.
import type { RiskSettings } from "../risk-settings";
import type { Signal, SignInFacts } from "../risk.types";

export function transactionValue(facts: SignInFacts, settings: RiskSettings): Signal | null {
  const threshold = settings.stepUpAboveValue;
  if (facts.transactionValue === null || threshold === null || facts.transactionValue <= threshold) return null;
  return {
    code: "transaction_value",
    score: settings.scores.transaction_value,
    reason: `transaction of ${facts.transactionValue.toLocaleString("en-US")} above ${threshold.toLocaleString("en-US")}`,
    requires: "mfa",
  };
}
