// An upstream connection's settings, browser-safe (the console's form checks itself with these):
// the protocol's endpoints and client, the scopes asked, and the claim mapping from what the
// upstream sends to Portico's profile. The built-in providers (PRESETS) fill in what their
// consoles do not ask the administrator for: issuer or endpoints, scopes, claim names, quirks.
import { z } from "zod";

export const PROTOCOLS = ["oidc", "oauth2", "saml"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const PRESET_NAMES = ["google", "apple", "microsoft", "github", "facebook", "linkedin"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The profile fields an upstream claim can fill (custom attributes as `attr.<name>`). */
export const PROFILE_FIELDS = ["subject", "email", "email_verified", "name", "given_name", "family_name", "picture", "locale", "phone_number"] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** A URL-safe name for the callback path: fixed once created. */
export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** A claim name or a dotted path into the upstream's JSON (`address.country`); no brackets, no wildcards. */
const CLAIM_PATH = /^[A-Za-z0-9_:./-]{1,100}$/;

/** https, or http on this machine only (a stand-in upstream in development and tests; the outbound guard still decides whether loopback may be called). */
const httpsUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => {
    try {
      const url = new URL(u);
      return url.protocol === "https:" || (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
    } catch {
      return false;
    }
  }, "Enter a full https:// URL.");

/** Upstream claim (or path) per profile field; `attr.<name>` fills a custom attribute. */
export const claimMappingSchema = z
  .record(z.string().regex(/^(?:subject|email|email_verified|name|given_name|family_name|picture|locale|phone_number|attr\.[a-z][a-z0-9_]{0,63})$/, "Map to a profile field or attr.<name>."), z.string().regex(CLAIM_PATH, "A claim name or a dotted path."))
  .refine((m) => Object.keys(m).length <= 40, "At most 40 mapped claims.");

export type ClaimMapping = z.infer<typeof claimMappingSchema>;

const scopes = z
  .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/, "A scope is printable ASCII without spaces or quotes (RFC 6749 §3.3)."))
  .max(20);

/** A generic OpenID Connect provider: everything comes from its issuer's discovery document. */
export const oidcSettingsSchema = z
  .object({
    protocol: z.literal("oidc"),
    issuer: httpsUrl,
    clientId: z.string().trim().min(1, "Enter the client ID.").max(255),
    scopes: scopes.default(["openid", "email", "profile"]),
    claimMapping: claimMappingSchema.default({}),
    /**
     * An issuer template for multi-tenant providers (Microsoft's `common` and `organizations`
     * endpoints sign ID tokens with the tenant's own issuer): `{tenantid}` stands for the token's `tid`.
     */
    issuerTemplate: z.string().max(2000).optional(),
    /**
     * OAuth 2.0 Form Post Response Mode: the answer is POSTed to the callback. Apple requires it
     * when the name or email is asked for.
     */
    responseMode: z.enum(["query", "form_post"]).default("query"),
    /**
     * OpenID Connect RP-Initiated Logout 1.0: signing out of Portico after signing in through this
     * provider also ends the customer's session there (its end_session_endpoint), which sends the
     * browser back to Portico. The provider's ID token is kept (encrypted) for the id_token_hint.
     */
    signOutUpstream: z.boolean().optional(),
    /**
     * Apple: the client secret is a JWT Portico signs (ES256) with the private key stored as the
     * connection's secret (the .p8 file), naming this team and key.
     */
    appleClientSecret: z
      .object({
        teamId: z.string().trim().regex(/^[A-Z0-9]{10}$/, "Apple's Team ID: 10 letters and digits."),
        keyId: z.string().trim().regex(/^[A-Z0-9]{10}$/, "The key's Key ID: 10 letters and digits."),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A provider without OpenID Connect (GitHub): its endpoints and where the profile's fields are. */
export const oauth2SettingsSchema = z
  .object({
    protocol: z.literal("oauth2"),
    authorizationEndpoint: httpsUrl,
    tokenEndpoint: httpsUrl,
    userinfoEndpoint: httpsUrl,
    /** GitHub's `/user/emails`: the verified primary address when the profile has none or does not say. */
    emailsEndpoint: httpsUrl.optional(),
    clientId: z.string().trim().min(1, "Enter the client ID.").max(255),
    scopes: scopes.default([]),
    /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
    tokenEndpointAuthMethod: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
    claimMapping: claimMappingSchema.default({ subject: "id", email: "email", name: "name" }),
  })
  .strict();

/** A certificate as SAML metadata carries it: base64 DER, whitespace removed. */
const base64Certificate = z
  .string()
  .transform((s) => s.replace(/\s+/g, ""))
  .pipe(z.string().regex(/^[A-Za-z0-9+/]{100,16000}={0,2}$/, "A base64 X.509 certificate."));

/** The NameID formats a service provider may ask for (SAML Core §8.3). */
export const NAME_ID_FORMATS = {
  unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
  emailAddress: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
} as const;

/**
 * A SAML 2.0 identity provider, from its metadata (lib/federation/saml-metadata.ts reads it):
 * SP-initiated over HTTP-Redirect, answered by HTTP-POST to the callback. Assertions must be
 * signed by one of its certificates; encrypted ones are decrypted with the connection's own key.
 */
export const samlSettingsSchema = z
  .object({
    protocol: z.literal("saml"),
    /** Its entityID: the Issuer its responses and assertions must name. */
    idpEntityId: z.string().trim().min(1, "The identity provider's entity ID.").max(1024),
    /** Its SingleSignOnService for the HTTP-Redirect binding. */
    ssoUrl: httpsUrl,
    /** The certificates it signs with (more than one while it rolls its key over). */
    idpCertificates: z.array(base64Certificate).min(1, "The metadata names no signing certificate.").max(4),
    /** Sign the AuthnRequest with the connection's key (its metadata's WantAuthnRequestsSigned). */
    signAuthnRequests: z.boolean().default(false),
    /** Refuse assertions sent in the clear: only encrypted ones (to the connection's key) are accepted. */
    requireEncryptedAssertions: z.boolean().default(false),
    /**
     * Accept assertions encrypted with AES-CBC (some identity providers encrypt no other way).
     * Off by default: CBC without the signature checked first is open to padding-oracle attacks
     * on the ciphertext; AES-GCM is always accepted.
     */
    allowCbcEncryption: z.boolean().default(false),
    nameIdFormat: z.enum(Object.keys(NAME_ID_FORMATS) as [keyof typeof NAME_ID_FORMATS]).default("unspecified"),
    /** Attribute names per profile field; unmapped fields are looked for under their common names. */
    claimMapping: claimMappingSchema.default({}),
    /** The connection's own certificate (its key is sealed with the client secret's column): set by Portico, never by a form. */
    spCertificate: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(16000).optional(),
  })
  .strict();

export const connectionSettingsSchema = z.discriminatedUnion("protocol", [oidcSettingsSchema, oauth2SettingsSchema, samlSettingsSchema]);
export type ConnectionSettings = z.infer<typeof connectionSettingsSchema>;
export type OidcSettings = z.infer<typeof oidcSettingsSchema>;
export type OAuth2Settings = z.infer<typeof oauth2SettingsSchema>;
export type SamlSettings = z.infer<typeof samlSettingsSchema>;

/** What a console form sends to create or change a connection (the secret only when set or changed). */
export const connectionInputSchema = z
  .object({
    slug: z.string().trim().regex(SLUG, "Lowercase letters, digits and dashes (at most 64)."),
    name: z.string().trim().min(1, "Enter a name.").max(100),
    preset: z.enum(PRESET_NAMES).nullable().default(null),
    enabled: z.boolean().default(true),
    settings: connectionSettingsSchema,
    /** Empty: keep the stored one. */
    clientSecret: z.string().max(4000).optional(),
    trustEmailVerified: z.boolean().default(false),
    storeTokens: z.boolean().default(false),
  })
  .strict();
export type ConnectionInput = z.input<typeof connectionInputSchema>;

/** An email domain for home realm discovery (lower case, at least one dot, no wildcard). */
export const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export interface Preset {
  label: string;
  protocol: Protocol;
  /** Settings the preset fixes; the administrator adds the client ID and secret (and a tenant). */
  settings: Omit<z.input<typeof oidcSettingsSchema>, "clientId"> | Omit<z.input<typeof oauth2SettingsSchema>, "clientId">;
  /** Whether an address the provider marks verified may link an existing account without asking. */
  trustEmailVerified: boolean;
  /** What to paste where in the provider's console (README repeats it). */
  setup: string;
}

/**
 * The built-in social providers. Google, Apple and Microsoft verify addresses they assert (Microsoft only
 * for its consumer accounts and verified tenant domains: not trusted by default); GitHub's
 * `/user/emails` says which addresses are verified. Facebook and LinkedIn assert addresses their
 * users confirmed. Apple's addresses are verified too, its private relay addresses included.
 */
export const PRESETS: Record<PresetName, Preset> = {
  google: {
    label: "Google",
    protocol: "oidc",
    settings: { protocol: "oidc", issuer: "https://accounts.google.com", scopes: ["openid", "email", "profile"], claimMapping: {} },
    trustEmailVerified: true,
    setup: "Google Cloud console > APIs & Services > Credentials > Create OAuth client ID (Web application); add the callback URL under Authorized redirect URIs.",
  },
  apple: {
    label: "Apple",
    protocol: "oidc",
    settings: { protocol: "oidc", issuer: "https://appleid.apple.com", scopes: ["openid", "email", "name"], responseMode: "form_post", claimMapping: {} },
    trustEmailVerified: true,
    setup:
      "Apple Developer > Certificates, Identifiers & Profiles: under Identifiers create a Services ID with Sign in with Apple (its identifier is the client ID) and add the callback URL as a Return URL; under Keys create a key with Sign in with Apple. Paste the key's `.p8` file as the client secret and enter its Key ID and your Team ID: Portico signs the short-lived client secret Apple wants with it. Apple sends the customer's name only the first time.",
  },
  microsoft: {
    label: "Microsoft",
    protocol: "oidc",
    settings: {
      protocol: "oidc",
      issuer: "https://login.microsoftonline.com/common/v2.0",
      issuerTemplate: "https://login.microsoftonline.com/{tenantid}/v2.0",
      scopes: ["openid", "email", "profile"],
      claimMapping: { email: "email" },
    },
    trustEmailVerified: false,
    setup: "Microsoft Entra admin center > App registrations > New registration (Web); add the callback URL as a Redirect URI and create a client secret under Certificates & secrets.",
  },
  github: {
    label: "GitHub",
    protocol: "oauth2",
    settings: {
      protocol: "oauth2",
      authorizationEndpoint: "https://github.com/login/oauth/authorize",
      tokenEndpoint: "https://github.com/login/oauth/access_token",
      userinfoEndpoint: "https://api.github.com/user",
      emailsEndpoint: "https://api.github.com/user/emails",
      scopes: ["read:user", "user:email"],
      tokenEndpointAuthMethod: "client_secret_post",
      claimMapping: { subject: "id", email: "email", name: "name", picture: "avatar_url" },
    },
    trustEmailVerified: true,
    setup: "GitHub > Settings > Developer settings > OAuth Apps > New OAuth App; the callback URL is the Authorization callback URL.",
  },
  facebook: {
    label: "Facebook",
    protocol: "oauth2",
    settings: {
      protocol: "oauth2",
      authorizationEndpoint: "https://www.facebook.com/v19.0/dialog/oauth",
      tokenEndpoint: "https://graph.facebook.com/v19.0/oauth/access_token",
      userinfoEndpoint: "https://graph.facebook.com/me?fields=id,name,email,first_name,last_name,picture",
      scopes: ["email", "public_profile"],
      tokenEndpointAuthMethod: "client_secret_post",
      claimMapping: { subject: "id", email: "email", name: "name", given_name: "first_name", family_name: "last_name", picture: "picture.data.url" },
    },
    trustEmailVerified: false,
    setup: "Meta for Developers > My Apps > Create App > Facebook Login; add the callback URL under Valid OAuth Redirect URIs.",
  },
  linkedin: {
    label: "LinkedIn",
    protocol: "oidc",
    settings: { protocol: "oidc", issuer: "https://www.linkedin.com/oauth", scopes: ["openid", "email", "profile"], claimMapping: {} },
    trustEmailVerified: false,
    setup: "LinkedIn Developers > Create app > Products: Sign In with LinkedIn using OpenID Connect; add the callback URL under Authorized redirect URLs.",
  },
};

/** The callback path registered at the upstream (the public URL is put in front); a SAML connection's Assertion Consumer Service. */
export const callbackPath = (slug: string) => `/federation/${slug}/callback`;

/** A SAML connection's service provider metadata, whose URL is also its entityID. */
export const samlMetadataPath = (slug: string) => `/federation/${slug}/metadata`;

/** Where the provider sends the browser back after signing it out (its post_logout_redirect_uri). */
export const signedOutPath = (slug: string) => `/federation/${slug}/signed-out`;
