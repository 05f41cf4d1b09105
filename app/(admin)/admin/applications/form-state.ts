// Form plumbing for the application actions: echo what was typed (URI lists and key sets can be
// long). lib/http's action wrapper maps lib/applications' typed errors to messages tied to fields.
import "server-only";

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
