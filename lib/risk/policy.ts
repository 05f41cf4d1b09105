// From score, signals and rules to one decision. The score's band picks an action; signals and
// matching rules set floors; the most severe wins. Pure, so the same inputs (stored with each
// decision) replay to the same answer.
import type { Features, RiskCondition, RiskRule } from "./risk-rules.schema";
import type { RiskSettings } from "./risk-settings";
import { max, type RiskAction, type RiskBand, type Signal } from "./risk.types";

export function bandOf(score: number, settings: RiskSettings): RiskBand {
  return score >= settings.highAt ? "high" : score >= settings.mediumAt ? "medium" : "low";
}

function conditionHolds(c: RiskCondition, features: Features): boolean {
  const actual = features[c.feature];
  switch (c.op) {
    case "eq":
      return actual === c.value;
    case "neq":
      return actual !== c.value;
    case "in":
      return Array.isArray(c.value) && (c.value as unknown[]).includes(actual);
    case "not_in":
      return Array.isArray(c.value) && !(c.value as unknown[]).includes(actual);
    default: {
      if (typeof actual !== "number" || typeof c.value !== "number") return false;
      return c.op === "gt" ? actual > c.value : c.op === "gte" ? actual >= c.value : c.op === "lt" ? actual < c.value : actual <= c.value;
    }
  }
}

export function ruleMatches(rule: RiskRule, features: Features): boolean {
  if (!rule.enabled) return false;
  if (rule.clientId !== null && rule.clientId !== features.client_id) return false;
  return rule.match === "all" ? rule.conditions.every((c) => conditionHolds(c, features)) : rule.conditions.some((c) => conditionHolds(c, features));
}

export interface PolicyDecision {
  action: RiskAction;
  matchedRules: string[];
}

export function decide(band: RiskBand, signals: Signal[], features: Features, rules: readonly (RiskRule & { id?: string })[], settings: RiskSettings): PolicyDecision {
  let action = settings.actions[band];
  for (const s of signals) if (s.requires) action = max(action, s.requires);
  const matchedRules: string[] = [];
  for (const rule of rules) {
    if (!ruleMatches(rule, features)) continue;
    matchedRules.push(rule.id ?? rule.name);
    action = max(action, rule.action);
  }
  return { action, matchedRules };
}
