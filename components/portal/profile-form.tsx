"use client";
// The profile form: every standard claim Portico holds, errors beside their fields, what was typed
// kept when the server refuses it.
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";
import { AttributeInput } from "@/components/profile/attribute-input";
import { ADDRESS_LINE_MAX_LENGTH, NAME_MAX_LENGTH, URL_MAX_LENGTH } from "@/lib/profile/profile.schema";
import { attributeField } from "@/lib/profile/attribute-fields.schema";
import type { AttributeDefinition } from "@/lib/profile/attributes.schema";

/** A custom attribute the customer may see; `writable` when they may also change it. */
export interface PortalAttribute {
  definition: AttributeDefinition;
  writable: boolean;
}

/** One custom attribute's control, by type; read-only ones as text. */
function AttributeControl({ attribute, value, error }: { attribute: PortalAttribute; value: string; error?: string }) {
  const d = attribute.definition;
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
  return <AttributeInput definition={d} label={label} value={value} error={error} emptyLabel={d.required && value !== "" ? null : "—"} />;
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
