// The console's rule editor edits text fields (condition rows of feature, comparison and text);
// this turns them into a rule object for riskRuleSchema. One module for both sides: the browser
// checks the form with ruleFormSchema (react-hook-form), the server action parses the posted
// FormData with ruleFromForm and the domain validates with riskRuleSchema again. Values are typed by
// the feature: numbers, true/false, or text; "in" and "not in" take a comma-separated list.
import { z } from "zod";
import { FEATURE_TYPES, riskRuleSchema, type FeatureName } from "./risk-rules.schema";

/** The most condition rows a rule has (riskRuleSchema's limit). */
export const RULE_CONDITION_ROWS = 10;

export type RuleFormValues = {
  name: string;
  clientId: string;
  match: string;
  action: string;
  enabled: boolean;
  conditions: { feature: string; op: string; value: string }[];
};

function typed(feature: FeatureName | undefined, raw: string): string | number | boolean {
  const type = feature ? FEATURE_TYPES[feature] : "string";
  if (type === "number") return raw.trim() === "" ? NaN : Number(raw);
  if (type === "boolean") return raw.trim().toLowerCase() === "true" ? true : raw.trim().toLowerCase() === "false" ? false : raw.trim();
  return raw.trim();
}

/** The form's text values as a rule object; every row is a condition (a row without a feature is an error on that row). */
export function ruleFromValues(v: RuleFormValues): unknown {
  const conditions = v.conditions.map(({ feature, op, value: raw }) => {
      const f = feature as FeatureName;
      const value = op === "in" || op === "not_in" ? raw.split(",").map((x) => typed(f, x)).filter((x) => x !== "") : typed(f, raw);
    return { feature, op, value };
  });
  return { name: v.name, enabled: v.enabled, clientId: v.clientId.trim() || null, match: v.match || "all", conditions, action: v.action };
}

/** The posted form (fields `conditions.<i>.feature|op|value`, as react-hook-form names them; the rows posted). */
export function ruleFromForm(form: { get(name: string): FormDataEntryValue | null }): unknown {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const conditions = [];
  for (let i = 0; i < RULE_CONDITION_ROWS && form.get(`conditions.${i}.op`) !== null; i++) {
    conditions.push({ feature: text(`conditions.${i}.feature`), op: text(`conditions.${i}.op`), value: text(`conditions.${i}.value`) });
  }
  return ruleFromValues({ name: text("name"), clientId: text("clientId"), match: text("match"), action: text("action"), enabled: form.get("enabled") !== null, conditions });
}

const text = z.string().max(2000);

/** The browser's check: the form's text values, turned into a rule, must be a valid rule. */
export const ruleFormSchema = z
  .object({
    name: text,
    clientId: text,
    match: text,
    action: text,
    enabled: z.boolean(),
    conditions: z.array(z.object({ feature: text, op: text, value: text })).max(RULE_CONDITION_ROWS),
  })
  .transform((v) => ruleFromValues(v))
  .pipe(riskRuleSchema);
