// The flat view of a sign-in that rules look at, kept with every decision so a rule can be tried
// on past sign-ins (simulation) exactly as it would have run.
import type { Features } from "./risk-rules.schema";
import type { RiskBand, Signal, SignInFacts } from "./risk.types";
import { hourOfDayUtc } from "./signals/unusual-time";

export function featuresOf(facts: SignInFacts, signals: Signal[], score: number, band: RiskBand): Features {
  const has = (code: Signal["code"]) => signals.some((s) => s.code === code);
  return {
    score,
    band,
    method: facts.method,
    country: facts.geo?.country ?? null,
    ip_list: facts.ipList ?? "none",
    new_device: has("new_device"),
    impossible_travel: has("impossible_travel"),
    unusual_time: has("unusual_time"),
    compromised_password: facts.compromisedPassword,
    account_failures: facts.failures.account,
    ip_failures: facts.failures.ip,
    accounts_from_ip: facts.failures.accountsFromIp,
    transaction_value: facts.transactionValue,
    hour_utc: Math.round(hourOfDayUtc(facts.at) * 100) / 100,
    client_id: facts.clientId,
  };
}
