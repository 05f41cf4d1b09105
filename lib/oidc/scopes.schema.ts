// Scopes and the claims they release (OIDC Core §5.4), with the wording the consent screen uses;
// and the scopes of Portico's own APIs for an application acting for its signed-in user (the
// consent API: lib/http/endpoints/consent; the upstream tokens API: lib/http/endpoints/federation-tokens.ts).
export const OIDC_SCOPES = ["openid", "profile", "email", "phone", "address", "offline_access", "consent:read", "consent:write", "federation:tokens"] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

/** The consent API's scopes (RFC 6749 §3.3): read the user's consents and communication preferences; record and withdraw consents, change preferences. */
export const CONSENT_READ_SCOPE = "consent:read";
export const CONSENT_WRITE_SCOPE = "consent:write";
/** The upstream tokens API's scope: the tokens a connection kept for the user, handed to the application. */
export const FEDERATION_TOKENS_SCOPE = "federation:tokens";

export const SCOPE_DESCRIPTIONS: Record<OidcScope, string> = {
  openid: "Know who you are (a stable identifier for your account)",
  profile: "See your name and profile details",
  email: "See your email address and whether it is verified",
  phone: "See your phone number",
  address: "See your postal address",
  offline_access: "Stay connected when you are not using it (until you withdraw access)",
  "consent:read": "See which uses of your data you agreed to, your consent receipts and what you agreed to be sent",
  "consent:write": "Record and withdraw your consent to uses of your data, and change what you agree to be sent",
  "federation:tokens": "Use the accounts you linked at other providers on your behalf",
};

export const CLAIMS_BY_SCOPE: Record<Exclude<OidcScope, "openid" | "offline_access" | "consent:read" | "consent:write" | "federation:tokens">, string[]> = {
  profile: ["name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at"],
  email: ["email", "email_verified"],
  phone: ["phone_number", "phone_number_verified"],
  address: ["address"],
};

export function parseScope(scope: string | undefined | null): string[] {
  return [...new Set((scope ?? "").split(" ").filter(Boolean))];
}

export function isKnownScope(s: string): s is OidcScope {
  return (OIDC_SCOPES as readonly string[]).includes(s);
}
