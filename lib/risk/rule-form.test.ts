// The rule editor's two checks agree: the browser's (ruleFormSchema over the form's text values)
// and the server's (ruleFromForm over the posted fields, then riskRuleSchema).
import { describe, expect, it } from "vitest";
import { riskRuleSchema } from "./risk-rules.schema";
import { ruleFormSchema, ruleFromForm } from "./rule-form.schema";

const posted = (fields: Record<string, string>) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
};

describe("rule editor", () => {
  it("turns the posted rows into a typed rule: lists for 'in', numbers for numeric features", () => {
    const rule = riskRuleSchema.parse(
      ruleFromForm(
        posted({
          name: "Block JP at night",
          clientId: "",
          match: "all",
          action: "deny",
          enabled: "on",
          "conditions.0.feature": "country",
          "conditions.0.op": "in",
          "conditions.0.value": "JP, CN",
          "conditions.1.feature": "hour_utc",
          "conditions.1.op": "lt",
          "conditions.1.value": "6",
        }),
      ),
    );
    expect(rule).toEqual({
      name: "Block JP at night",
      enabled: true,
      clientId: null,
      match: "all",
      action: "deny",
      conditions: [
        { feature: "country", op: "in", value: ["JP", "CN"] },
        { feature: "hour_utc", op: "lt", value: 6 },
      ],
    });
  });

  it("the browser's check names the row at fault, not a shifted one", () => {
    const result = ruleFormSchema.safeParse({
      name: "x",
      clientId: "",
      match: "all",
      action: "deny",
      enabled: false,
      conditions: [
        { feature: "country", op: "eq", value: "JP" },
        { feature: "", op: "eq", value: "" },
        { feature: "score", op: "gt", value: "high" },
      ],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["conditions.1.feature", "conditions.2.value"]));
    expect(paths.some((p) => p.startsWith("conditions.0"))).toBe(false);
  });

  it("an unchecked 'enabled' box posts nothing and means disabled; no rows is 'Add a condition'", () => {
    const result = riskRuleSchema.safeParse(ruleFromForm(posted({ name: "n", match: "any", action: "mfa" })));
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ["conditions"], message: "Add a condition." });
    expect(ruleFromForm(posted({ name: "n", action: "mfa" }))).toMatchObject({ enabled: false, match: "all" });
  });
});
