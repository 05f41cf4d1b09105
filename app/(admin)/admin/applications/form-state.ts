// Form plumbing for the application actions: echo what was typed (URI lists and key sets can be
// long), and map lib/clients' typed errors to messages tied to fields.
import "server-only";
import { ClientError } from "@/lib/clients";
import { formErrorFrom } from "@/lib/http";
import type { AdminFormState } from "@/components/admin/types";

const TEXT_FIELDS = [
  "name",
  "type",
  "redirectUris",
  "postLogoutRedirectUris",
  "tokenEndpointAuthMethod",
  "idTokenSignedResponseAlg",
  "accessTokenTtlSeconds",
  "refreshTokenTtlSeconds",
  "backchannelLogoutUri",
  "logoUri",
  "mfaPolicy",
  "jwks",
  "allowedScopes",
  "allowedResources",
];

export function applicationFormValues(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of TEXT_FIELDS) {
    const v = form.get(k);
    if (typeof v === "string") out[k] = v.slice(0, 60_000);
  }
  out.grantTypes = form
    .getAll("grantTypes")
    .filter((g): g is string => typeof g === "string")
    .join("\n")
    .slice(0, 1000);
  out.firstParty = form.get("firstParty") === "on" ? "on" : "";
  out.emailCodeWithStrongFactor = form.get("emailCodeWithStrongFactor") === "on" ? "on" : "";
  return out;
}

export function clientFormError(e: unknown, values?: Record<string, string>): AdminFormState {
  if (e instanceof ClientError) {
    if (e.details.fieldErrors) return { fieldErrors: e.details.fieldErrors, values };
    if (e.details.field) return { fieldErrors: { [e.details.field]: e.message }, values };
    return { message: e.message, values };
  }
  return formErrorFrom(e, values);
}
