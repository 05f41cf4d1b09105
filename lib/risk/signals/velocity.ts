// Failure velocity in the last quarter hour: many failures on the account (guessing), many from
// the address, and many distinct accounts failing from one address (credential stuffing: a list
// of leaked email/password pairs tried one after another).
import type { RiskSettings } from "../risk-settings";
import type { Signal, SignInFacts } from "../risk.types";

export function failureVelocity(facts: SignInFacts, settings: RiskSettings): Signal[] {
  const { account, ip, accountsFromIp } = facts.failures;
  const signals: Signal[] = [];
  if (account >= settings.accountFailuresAt) signals.push({ code: "account_failures", score: settings.scores.account_failures, reason: `${account} failed sign-ins on this account in 15 min` });
  if (accountsFromIp >= settings.accountsPerIpAt) {
    signals.push({ code: "credential_stuffing", score: settings.scores.credential_stuffing, reason: `${accountsFromIp} accounts failed to sign in from this address in 15 min` });
  } else if (ip >= settings.ipFailuresAt) {
    signals.push({ code: "ip_failures", score: settings.scores.ip_failures, reason: `${ip} failed sign-ins from this address in 15 min` });
  }
  return signals;
}
