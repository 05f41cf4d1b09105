"use client";
// The profile form: every standard claim Portico holds, errors beside their fields, what was typed
// kept when the server refuses it.
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";
import { SelectField } from "@/components/admin/form-controls";
import { ADDRESS_LINE_MAX_LENGTH, NAME_MAX_LENGTH, URL_MAX_LENGTH } from "@/lib/profile/profile.schema";
import { attributeField, STRING_VALUE_MAX_LENGTH, type AttributeDefinition } from "@/lib/profile/attributes.schema";

/** A custom attribute the customer may see; `writable` when they may also change it. */
export interface PortalAttribute {
  definition: AttributeDefinition;
  writable: boolean;
}

const INPUT_TYPES: Partial<Record<AttributeDefinition["type"], string>> = { email: "email", phone: "tel", url: "url", date: "date", number: "number" };

/** One custom attribute's control, by type; read-only ones as text. */
function AttributeControl({ attribute, value, error }: { attribute: PortalAttribute; value: string; error?: string }) {
  const d = attribute.definition;
  const name = attributeField(d.name);
  const label = d.required ? d.label : `${d.label} (optional)`;
  if (!attribute.writable) {
    return (
      <div className="space-y-1.5" data-testid={`attribute-${d.name}`}>
        <div className="block text-sm font-medium text-slate-800 dark:text-slate-200">{d.label}</div>
        <div className="text-slate-700 dark:text-slate-300">{d.type === "boolean" ? (value === "true" ? "Yes" : value === "false" ? "No" : "—") : value || "—"}</div>
      </div>
    );
  }
  // Yes / No / not answered: a checkbox would turn "not answered" into "no" at the next save.
  if (d.type === "boolean" || d.type === "enum") {
    const choices = d.type === "boolean" ? [{ value: "true", label: "Yes" }, { value: "false", label: "No" }] : (d.rules.values ?? []).map((v) => ({ value: v, label: v }));
    const options = [...(d.required && value !== "" ? [] : [{ value: "", label: "—" }]), ...choices];
    return <SelectField name={name} label={label} error={error} options={options} defaultValue={value} />;
  }
  const r = d.rules;
  const hint =
    d.type === "number" && (r.min != null || r.max != null)
      ? [r.min != null ? `From ${r.min}` : null, r.max != null ? `up to ${r.max}` : null].filter(Boolean).join(" ") + "."
      : d.type === "date"
        ? "YYYY-MM-DD."
        : undefined;
  // The browser's own checks stay off (noValidate on the form): the server's message is the one shown, beside the field.
  return (
    <Field
      name={name}
      label={label}
      defaultValue={value}
      error={error}
      hint={hint}
      type={d.type === "number" ? "text" : (INPUT_TYPES[d.type] ?? "text")}
      inputMode={d.type === "number" ? "decimal" : undefined}
      maxLength={d.type === "string" && r.maxLength ? r.maxLength : STRING_VALUE_MAX_LENGTH}
    />
  );
}

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ProfileForm({ action, profile, timeZones, attributes = [] }: { action: Action; profile: Record<string, string>; timeZones: string[]; attributes?: PortalAttribute[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  const v = state.values ?? profile;
  const e = state.fieldErrors ?? {};
  const text = (name: string, label: string, props: Record<string, unknown> = {}) => (
    <Field name={name} label={label} defaultValue={v[name] ?? ""} error={e[name]} maxLength={NAME_MAX_LENGTH} {...props} />
  );
  return (
    <form action={formAction} noValidate className="max-w-xl space-y-8" key={state.ok ? "saved" : "editing"}>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <fieldset className="space-y-4">
        <legend className="text-lg font-semibold">Name</legend>
        {text("displayName", "Full name", { autoComplete: "name", hint: "How applications greet you." })}
        <div className="grid gap-4 sm:grid-cols-2">
          {text("givenName", "First name", { autoComplete: "given-name" })}
          {text("familyName", "Last name", { autoComplete: "family-name" })}
          {text("middleName", "Middle name", { autoComplete: "additional-name" })}
          {text("nickname", "Nickname", { autoComplete: "nickname" })}
        </div>
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="text-lg font-semibold">About you</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          {text("birthdate", "Date of birth", { autoComplete: "bday", placeholder: "1990-04-21", hint: "YYYY-MM-DD; 0000-MM-DD keeps the year private.", maxLength: 10 })}
          {text("gender", "Gender", { autoComplete: "sex", maxLength: 40 })}
          {text("locale", "Language", { autoComplete: "language", placeholder: "en-GB", maxLength: 35 })}
          {text("zoneinfo", "Time zone", { list: "time-zones", placeholder: "Europe/Paris", maxLength: 64 })}
        </div>
        <datalist id="time-zones">
          {timeZones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        {text("pictureUrl", "Picture", { type: "url", autoComplete: "photo", placeholder: "https://", maxLength: URL_MAX_LENGTH, hint: "The web address of a picture of you." })}
        {text("websiteUrl", "Website", { type: "url", autoComplete: "url", placeholder: "https://", maxLength: URL_MAX_LENGTH })}
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="text-lg font-semibold">Contact</legend>
        {text("phoneNumber", "Phone number", {
          type: "tel",
          autoComplete: "tel",
          placeholder: "+44 20 7946 0958",
          maxLength: 40,
          hint: "With your country code. This is a contact number; the number that texts you sign-in codes is set on the security page.",
        })}
        {text("streetAddress", "Street address", { autoComplete: "street-address", maxLength: ADDRESS_LINE_MAX_LENGTH })}
        <div className="grid gap-4 sm:grid-cols-2">
          {text("postalCode", "Postal code", { autoComplete: "postal-code", maxLength: 20 })}
          {text("locality", "City", { autoComplete: "address-level2" })}
          {text("region", "State or region", { autoComplete: "address-level1" })}
          {text("country", "Country", { autoComplete: "country-name" })}
        </div>
      </fieldset>
      {attributes.length ? (
        <fieldset className="space-y-4" data-testid="custom-attributes">
          <legend className="text-lg font-semibold">More about you</legend>
          {attributes.map((a) => (
            <AttributeControl key={a.definition.name} attribute={a} value={v[attributeField(a.definition.name)] ?? ""} error={e[attributeField(a.definition.name)]} />
          ))}
        </fieldset>
      ) : null}
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Save profile"}
      </Button>
    </form>
  );
}
