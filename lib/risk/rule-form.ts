// The console's rule editor posts flat fields (condition rows of feature, comparison and text);
// this turns them into a rule object for riskRuleSchema to validate. Values are typed by the
// feature: numbers, true/false, or text; "in" and "not in" take a comma-separated list.
import { FEATURE_TYPES, type FeatureName } from "./risk-rules.schema";

export const RULE_CONDITION_ROWS = 4;

function typed(feature: FeatureName | undefined, raw: string): string | number | boolean {
  const type = feature ? FEATURE_TYPES[feature] : "string";
  if (type === "number") return raw.trim() === "" ? NaN : Number(raw);
  if (type === "boolean") return raw.trim().toLowerCase() === "true" ? true : raw.trim().toLowerCase() === "false" ? false : raw.trim();
  return raw.trim();
}

export function ruleFromForm(form: { get(name: string): FormDataEntryValue | null }): unknown {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const conditions = [];
  for (let i = 0; i < RULE_CONDITION_ROWS; i++) {
    const feature = text(`feature${i}`) as FeatureName;
    if (!feature) continue;
    const op = text(`op${i}`);
    const raw = text(`value${i}`);
    const value = op === "in" || op === "not_in" ? raw.split(",").map((v) => typed(feature, v)).filter((v) => v !== "") : typed(feature, raw);
    conditions.push({ feature, op, value });
  }
  return {
    name: text("name"),
    enabled: form.get("enabled") !== null,
    clientId: text("clientId").trim() || null,
    match: text("match") || "all",
    conditions,
    action: text("action"),
  };
}
