// Administrators' rules: structured conditions on the features of a sign-in, combined with all
// or any, scoped to every application or one, each with an action. Validated here (zod) on the
// way in, so the engine only ever evaluates well-typed rules.
import { z } from "zod";
import { ACTIONS } from "./risk.types";

/** What a condition can look at, and the type of each (see features.ts). */
export const FEATURE_TYPES = {
  score: "number",
  band: "string",
  method: "string",
  country: "string",
  ip_list: "string",
  new_device: "boolean",
  impossible_travel: "boolean",
  unusual_time: "boolean",
  compromised_password: "boolean",
  account_failures: "number",
  ip_failures: "number",
  accounts_from_ip: "number",
  transaction_value: "number",
  hour_utc: "number",
  client_id: "string",
} as const;
export type FeatureName = keyof typeof FEATURE_TYPES;
export type Features = { [K in FeatureName]: (typeof FEATURE_TYPES)[K] extends "number" ? number | null : (typeof FEATURE_TYPES)[K] extends "boolean" ? boolean : string | null };

const OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in"] as const;
const ORDERING = new Set(["gt", "gte", "lt", "lte"]);
const scalar = z.union([z.string().trim().max(200), z.number().finite(), z.boolean()]);

export const conditionSchema = z
  .object({
    feature: z.enum(Object.keys(FEATURE_TYPES) as [FeatureName, ...FeatureName[]], { error: "Pick what the condition looks at." }),
    op: z.enum(OPS, { error: "Pick a comparison." }),
    value: z.union([scalar, z.array(z.union([z.string().trim().max(200), z.number().finite()])).min(1).max(300)]),
  })
  .superRefine((c, ctx) => {
    const type = FEATURE_TYPES[c.feature];
    const list = Array.isArray(c.value);
    if ((c.op === "in" || c.op === "not_in") !== list) {
      ctx.addIssue({ code: "custom", path: ["value"], message: list ? "A list needs 'in' or 'not in'." : "'in' and 'not in' need a list of values." });
      return;
    }
    if (ORDERING.has(c.op) && type !== "number") ctx.addIssue({ code: "custom", path: ["op"], message: `${c.feature} cannot be compared by size.` });
    const values = list ? (c.value as unknown[]) : [c.value];
    if (values.some((v) => typeof v !== type)) ctx.addIssue({ code: "custom", path: ["value"], message: `${c.feature} takes ${type} values.` });
  });

export const riskRuleSchema = z.object({
  name: z.string().trim().min(1, "Name the rule.").max(80, "Keep the name under 80 characters."),
  enabled: z.boolean().default(true),
  /** null: every application; else the client_id it is scoped to. */
  clientId: z.string().trim().min(1).max(200).nullable().default(null),
  match: z.enum(["all", "any"]).default("all"),
  conditions: z.array(conditionSchema).min(1, "Add a condition.").max(10, "At most 10 conditions."),
  action: z.enum(ACTIONS, { error: "Pick an action." }),
});

export type RiskCondition = z.infer<typeof conditionSchema>;
export type RiskRule = z.infer<typeof riskRuleSchema>;
