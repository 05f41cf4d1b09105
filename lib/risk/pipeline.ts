// The whole pipeline, pure: facts in, an explained decision out.
import { featuresOf } from "./features";
import { bandOf, decide } from "./policy";
import type { Features, RiskRule } from "./risk-rules.schema";
import type { RiskSettings } from "./risk-settings";
import type { RiskAction, RiskBand, Signal, SignInFacts } from "./risk.types";
import { collectSignals } from "./signals";

export interface RiskEvaluation {
  score: number;
  band: RiskBand;
  action: RiskAction;
  signals: Signal[];
  features: Features;
  matchedRules: string[];
  /** The reasons in one line: "new device (Chrome on macOS) + impossible travel from …". */
  explanation: string;
}

export function evaluateRisk(facts: SignInFacts, settings: RiskSettings, rules: readonly (RiskRule & { id?: string })[] = []): RiskEvaluation {
  const signals = collectSignals(facts, settings);
  const score = Math.max(0, Math.min(100, signals.reduce((sum, s) => sum + s.score, 0)));
  const band = bandOf(score, settings);
  const features = featuresOf(facts, signals, score, band);
  const { action, matchedRules } = decide(band, signals, features, rules, settings);
  return { score, band, action, signals, features, matchedRules, explanation: signals.map((s) => s.reason).join(" + ") || "nothing unusual" };
}
