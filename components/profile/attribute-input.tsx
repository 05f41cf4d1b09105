// The editable control of one custom attribute, by its definition's type: the portal's profile
// form and the sign-in's profile questions show the same control for the same attribute.
import { Field } from "@/components/ui/field";
import { SelectField } from "@/components/admin/form-controls";
import { attributeField, STRING_VALUE_MAX_LENGTH } from "@/lib/profile/attribute-fields.schema";
import type { AttributeDefinition } from "@/lib/profile/attributes.schema";

const INPUT_TYPES: Partial<Record<AttributeDefinition["type"], string>> = { email: "email", phone: "tel", url: "url", date: "date" };

function hintFor(d: AttributeDefinition): string | undefined {
  const r = d.rules;
  if (d.type === "date") return "YYYY-MM-DD.";
  if (d.type === "number" && (r.min != null || r.max != null)) return [r.min != null ? `From ${r.min}` : null, r.max != null ? `up to ${r.max}` : null].filter(Boolean).join(" ") + ".";
  return undefined;
}

/**
 * Yes/no and lists are a choice with an empty option (`emptyLabel`; null: none), so "not answered"
 * stays distinct from "no". Numbers are text with a decimal keyboard: the browser's own checks
 * stay off and the server's message is the one shown, beside the field.
 */
export function AttributeInput({ definition: d, label, value, error, emptyLabel }: { definition: AttributeDefinition; label: string; value: string; error?: string; emptyLabel: string | null }) {
  const name = attributeField(d.name);
  if (d.type === "boolean" || d.type === "enum") {
    const choices = d.type === "boolean" ? [{ value: "true", label: "Yes" }, { value: "false", label: "No" }] : (d.rules.values ?? []).map((v) => ({ value: v, label: v }));
    return <SelectField name={name} label={label} error={error} defaultValue={value} options={[...(emptyLabel === null ? [] : [{ value: "", label: emptyLabel }]), ...choices]} />;
  }
  return (
    <Field
      name={name}
      label={label}
      defaultValue={value}
      error={error}
      hint={hintFor(d)}
      type={INPUT_TYPES[d.type] ?? "text"}
      inputMode={d.type === "number" ? "decimal" : undefined}
      maxLength={d.type === "string" && d.rules.maxLength ? d.rules.maxLength : STRING_VALUE_MAX_LENGTH}
    />
  );
}
