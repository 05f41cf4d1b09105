// Every signal of the pipeline, in the order reasons are shown.
import type { RiskSettings } from "../risk-settings";
import type { Signal, SignInFacts } from "../risk.types";
import { compromisedPassword } from "./compromised-password";
import { geoVelocity } from "./geo-velocity";
import { ipReputation } from "./ip-reputation";
import { newDevice } from "./new-device";
import { transactionValue } from "./transaction-value";
import { unusualTime } from "./unusual-time";
import { failureVelocity } from "./velocity";

export function collectSignals(facts: SignInFacts, settings: RiskSettings): Signal[] {
  return [
    ipReputation(facts, settings),
    geoVelocity(facts, settings),
    newDevice(facts, settings),
    unusualTime(facts, settings),
    ...failureVelocity(facts, settings),
    compromisedPassword(facts),
    transactionValue(facts, settings),
  ].filter((s): s is Signal => s !== null);
}
