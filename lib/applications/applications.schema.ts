// Application (OAuth 2 client) metadata: one schema for the admin forms, the domain and dynamic
// registration (RFC 7591 §2, OIDC Dynamic Client Registration §2), plus the response DTOs, which
// never carry a secret or its hash. No server-only imports here: the browser bundles this file.
import { z } from "zod";
import { claimMappingsSchema } from "@/lib/profile/attributes.schema";
import { profilingPolicySchema } from "@/lib/profile/profiling.schema";
import { uriProblem, type UriKind } from "./redirect-uri";

/** Two-step verification for an application's sign-ins; "default" follows the global MFA_POLICY. */
export const MFA_POLICIES = ["default", "off", "optional", "required"] as const;
export type MfaPolicySetting = (typeof MFA_POLICIES)[number];

export const APPLICATION_TYPES = ["public", "confidential"] as const;
/** RFC 8628 §3.4 grant type (the one definition: lib/oidc imports it through lib/applications). */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
export const GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials", DEVICE_CODE_GRANT] as const;
export const TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"] as const;
export const ID_TOKEN_SIGNING_ALGS = ["ES256", "RS256"] as const;
/** Asymmetric algorithms accepted for client assertions (RFC 7523): never `none`, never HS*. */
export const CLIENT_ASSERTION_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"] as const;

export type ApplicationType = (typeof APPLICATION_TYPES)[number];
export type GrantType = (typeof GRANT_TYPES)[number];
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

export const MAX_URIS = 20;
export const NAME_MAX_LENGTH = 100;
export const TTL_LIMITS = {
  accessTokenTtlSeconds: { min: 60, max: 86_400, default: 900 },
  refreshTokenTtlSeconds: { min: 300, max: 31_536_000, default: 2_592_000 },
} as const;

/** Methods that authenticate with a client secret: only these get one. */
export function usesClientSecret(method: TokenEndpointAuthMethod): boolean {
  return method === "client_secret_basic" || method === "client_secret_post";
}

const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

function uriListSchema(kind: UriKind, label: string) {
  return z
    .array(z.string({ error: `Each ${label} must be a string.` }).trim(), { error: `Give the ${label}s as a list.` })
    .max(MAX_URIS, `Register at most ${MAX_URIS} ${label}s.`)
    .superRefine((uris, ctx) => {
      uris.forEach((uri, i) => {
        const problem = uriProblem(uri, kind);
        if (problem) ctx.addIssue({ code: "custom", path: [i], message: problem });
      });
    })
    .transform((uris) => [...new Set(uris)]);
}

function optionalUriSchema(kind: UriKind) {
  return z
    .string({ error: "Enter a URI." })
    .trim()
    .nullish()
    .transform((v) => v || null)
    .superRefine((v, ctx) => {
      const problem = v === null ? null : uriProblem(v, kind);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/;
export const MAX_ALLOWED_SCOPES = 50;

/**
 * Portico's own admin API scopes, each with the console permission it opens. A client obtains one
 * by client_credentials only once an administrator who holds that permission allowed it
 * (setApplicationAdminScopes): they are refused in allowedScopes, which application
 * administrators and dynamic registration set.
 */
export const ADMIN_API_SCOPES = { "portico:analytics": "analytics:read", "portico:webhooks": "webhooks:write" } as const;
export type AdminApiScope = keyof typeof ADMIN_API_SCOPES;
export const RESERVED_SCOPE_PREFIX = "portico:";
export function isAdminApiScope(scope: string): scope is AdminApiScope {
  return Object.hasOwn(ADMIN_API_SCOPES, scope);
}

/** The scopes a client may obtain with client_credentials (none requested -> all of them). */
const allowedScopesSchema = z
  .array(z.string({ error: "Each scope must be a string." }).trim(), { error: "Give the scopes as a list." })
  .max(MAX_ALLOWED_SCOPES, `Allow at most ${MAX_ALLOWED_SCOPES} scopes.`)
  .superRefine((scopes, ctx) => {
    scopes.forEach((s, i) => {
      if (!SCOPE_TOKEN.test(s)) ctx.addIssue({ code: "custom", path: [i], message: `"${s.slice(0, 40)}" is not a scope (printable characters without spaces, quotes or backslashes).` });
      else if (s.startsWith(RESERVED_SCOPE_PREFIX)) ctx.addIssue({ code: "custom", path: [i], message: `"${s.slice(0, 40)}" is one of Portico's own admin API scopes: allow it under "Admin API access".` });
    });
  })
  .transform((s) => [...new Set(s)])
  .default([]);

/** RFC 8707 §2: resource indicators are absolute URIs without a fragment; they become the token's aud. */
const allowedResourcesSchema = z
  .array(z.string({ error: "Each resource must be a string." }).trim(), { error: "Give the resources as a list." })
  .max(MAX_URIS, `Allow at most ${MAX_URIS} resources.`)
  .superRefine((uris, ctx) => {
    uris.forEach((uri, i) => {
      const problem = uriProblem(uri, "https-or-loopback");
      if (problem) ctx.addIssue({ code: "custom", path: [i], message: problem });
    });
  })
  .transform((u) => [...new Set(u)])
  .default([]);

function ttlSchema(limits: { min: number; max: number; default: number }) {
  const message = `Enter a whole number of seconds from ${limits.min} to ${limits.max}.`;
  return z.number({ error: message }).int(message).min(limits.min, message).max(limits.max, message).default(limits.default);
}

/** A NUL character anywhere in a JSON value, names included. */
function holdsNul(v: unknown): boolean {
  if (typeof v === "string") return v.includes("\u0000");
  if (Array.isArray(v)) return v.some(holdsNul);
  if (v && typeof v === "object") return Object.entries(v).some(([k, x]) => k.includes("\u0000") || holdsNul(x));
  return false;
}

const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
const str = z.string().min(1).max(4096);

/** One public key (RFC 7517 §4); private members are refused, so a pasted private key never gets stored. */
export const publicJwkSchema = z
  .looseObject({
    kty: z.enum(["RSA", "EC", "OKP"], { error: "Each key needs kty RSA, EC or OKP (shared secret keys are not accepted)." }),
    kid: z.string().min(1).max(200).optional(),
    use: z.literal("sig", { error: 'A key\'s "use" must be "sig".' }).optional(),
    alg: z.enum(CLIENT_ASSERTION_ALGS, { error: "A key's alg must be an asymmetric signing algorithm (RS*, PS*, ES*, EdDSA)." }).optional(),
  })
  .superRefine((k, ctx) => {
    for (const m of PRIVATE_JWK_MEMBERS) {
      if (m in k) ctx.addIssue({ code: "custom", message: `Remove the private member "${m}": register public keys only.` });
    }
    const has = (name: string) => str.safeParse(k[name]).success;
    const missing = (names: string[]) => names.filter((n) => !has(n));
    let lacking: string[] = [];
    if (k.kty === "RSA") lacking = missing(["n", "e"]);
    if (k.kty === "EC") {
      if (!["P-256", "P-384", "P-521"].includes(k.crv as string)) ctx.addIssue({ code: "custom", message: "An EC key needs crv P-256, P-384 or P-521." });
      lacking = missing(["x", "y"]);
    }
    if (k.kty === "OKP") {
      if (k.crv !== "Ed25519") ctx.addIssue({ code: "custom", message: "An OKP key needs crv Ed25519." });
      lacking = missing(["x"]);
    }
    if (lacking.length) ctx.addIssue({ code: "custom", message: `A ${k.kty} key needs ${lacking.join(" and ")}.` });
  });

export const jwksSchema = z
  .looseObject({
    keys: z.array(publicJwkSchema, { error: 'A JWK Set is an object with a "keys" array.' }).min(1, "Add at least one key.").max(10, "Register at most 10 keys."),
  }, { error: 'Give a JWK Set: {"keys": [ … ]}.' })
  .refine((s) => JSON.stringify(s).length <= 50_000, "The key set is too large.")
  // PostgreSQL's jsonb refuses \u0000; no JWK member ever holds one (RFC 7517 members are base64url or names).
  .refine((s) => !holdsNul(s), "Remove the NUL characters from the key set.");
export type Jwks = z.infer<typeof jwksSchema>;

const applicationFieldsSchema = z.object({
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(NAME_MAX_LENGTH, `Use at most ${NAME_MAX_LENGTH} characters.`)
    .refine((v) => !UNSAFE_CHARS.test(v), "Remove invisible or control characters.")
    .transform((v) => v.normalize("NFC")),
  type: z.enum(APPLICATION_TYPES, { error: "Choose public or confidential." }),
  redirectUris: uriListSchema("redirect", "redirect URI").default([]),
  postLogoutRedirectUris: uriListSchema("redirect", "post-logout redirect URI").default([]),
  grantTypes: z
    .array(z.enum(GRANT_TYPES, { error: `Grant types are ${GRANT_TYPES.join(", ")}.` }))
    .min(1, "Choose at least one grant type.")
    .transform((g) => [...new Set(g)])
    .default(["authorization_code", "refresh_token"]),
  tokenEndpointAuthMethod: z.enum(TOKEN_ENDPOINT_AUTH_METHODS, { error: `Authentication methods are ${TOKEN_ENDPOINT_AUTH_METHODS.join(", ")}.` }).optional(),
  idTokenSignedResponseAlg: z.enum(ID_TOKEN_SIGNING_ALGS, { error: "Choose ES256 or RS256." }).default("ES256"),
  accessTokenTtlSeconds: ttlSchema(TTL_LIMITS.accessTokenTtlSeconds),
  refreshTokenTtlSeconds: ttlSchema(TTL_LIMITS.refreshTokenTtlSeconds),
  backchannelLogoutUri: optionalUriSchema("https-or-loopback"),
  logoUri: optionalUriSchema("https"),
  firstParty: z.boolean({ error: "firstParty is true or false." }).default(false),
  mfaPolicy: z.enum(MFA_POLICIES, { error: "Choose default, off, optional or required." }).default("default"),
  /** Offer an emailed code as the second step even to people with a passkey, authenticator app or phone. */
  emailCodeWithStrongFactor: z.boolean({ error: "emailCodeWithStrongFactor is true or false." }).default(false),
  jwks: jwksSchema.nullish().transform((v) => v ?? null),
  allowedScopes: allowedScopesSchema,
  allowedResources: allowedResourcesSchema,
});

/**
 * Create and update input (an update replaces every field). The authentication method defaults
 * from the type: `none` for public clients, `client_secret_basic` for confidential ones.
 */
export const applicationInputSchema = applicationFieldsSchema
  .transform((a) => ({ ...a, tokenEndpointAuthMethod: a.tokenEndpointAuthMethod ?? (a.type === "public" ? "none" : "client_secret_basic") }))
  .superRefine((a, ctx) => {
    const issue = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
    if (a.type === "public" && a.tokenEndpointAuthMethod !== "none") {
      issue("tokenEndpointAuthMethod", "A public client has no credentials: its method is none (it uses PKCE instead).");
    }
    if (a.type === "confidential" && a.tokenEndpointAuthMethod === "none") {
      issue("tokenEndpointAuthMethod", "A confidential client must authenticate: choose client_secret_basic, client_secret_post or private_key_jwt.");
    }
    if (a.type === "public" && a.grantTypes.includes("client_credentials")) {
      issue("grantTypes", "A public client cannot use client_credentials (it has no credentials to prove).");
    }
    if (a.grantTypes.includes("refresh_token") && !a.grantTypes.includes("authorization_code") && !a.grantTypes.includes(DEVICE_CODE_GRANT)) {
      issue("grantTypes", "refresh_token goes with authorization_code or the device grant.");
    }
    if (a.grantTypes.includes("authorization_code") && a.redirectUris.length === 0) {
      issue("redirectUris", "The authorization_code grant needs at least one redirect URI.");
    }
    if (a.tokenEndpointAuthMethod === "private_key_jwt" && !a.jwks) {
      issue("jwks", "private_key_jwt needs the client's public keys (a JWK Set).");
    }
    if (a.tokenEndpointAuthMethod !== "private_key_jwt" && a.jwks) {
      issue("jwks", "Keys are used only with private_key_jwt: remove them or choose that method.");
    }
  });
export type ApplicationInputRaw = z.input<typeof applicationInputSchema>;
export type ApplicationInput = z.output<typeof applicationInputSchema>;

/** Form fields -> raw input: textareas hold one URI per line, checkboxes say "on", numbers are text. */
export function applicationInputFromForm(form: FormData): Record<string, unknown> {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : undefined;
  };
  const lines = (k: string) =>
    (text(k) ?? "")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  const seconds = (k: string) => {
    const v = text(k)?.trim();
    return v ? Number(v) : undefined;
  };
  const jwksText = text("jwks")?.trim();
  let jwks: unknown = null;
  if (jwksText) {
    try {
      jwks = JSON.parse(jwksText);
    } catch {
      jwks = "not json"; // fails jwksSchema with its own message
    }
  }
  return {
    name: text("name") ?? "",
    type: text("type"),
    redirectUris: lines("redirectUris"),
    postLogoutRedirectUris: lines("postLogoutRedirectUris"),
    grantTypes: form.getAll("grantTypes").filter((v): v is string => typeof v === "string"),
    tokenEndpointAuthMethod: text("tokenEndpointAuthMethod") || undefined,
    idTokenSignedResponseAlg: text("idTokenSignedResponseAlg") || undefined,
    accessTokenTtlSeconds: seconds("accessTokenTtlSeconds"),
    refreshTokenTtlSeconds: seconds("refreshTokenTtlSeconds"),
    backchannelLogoutUri: text("backchannelLogoutUri") ?? null,
    logoUri: text("logoUri") ?? null,
    firstParty: form.get("firstParty") === "on",
    mfaPolicy: text("mfaPolicy") || undefined,
    emailCodeWithStrongFactor: form.get("emailCodeWithStrongFactor") === "on",
    jwks,
    // Space- or line-separated, as scope strings are written.
    allowedScopes: (text("allowedScopes") ?? "").split(/\s+/).filter(Boolean),
    allowedResources: lines("allowedResources"),
  };
}

export const applicationIdSchema = z.uuid();

// ---- Dynamic client registration (RFC 7591) ---------------------------------------------------

const REGISTRATION_FIELDS = {
  name: "client_name",
  type: "token_endpoint_auth_method",
  redirectUris: "redirect_uris",
  postLogoutRedirectUris: "post_logout_redirect_uris",
  grantTypes: "grant_types",
  tokenEndpointAuthMethod: "token_endpoint_auth_method",
  idTokenSignedResponseAlg: "id_token_signed_response_alg",
  backchannelLogoutUri: "backchannel_logout_uri",
  logoUri: "logo_uri",
  jwks: "jwks",
  allowedScopes: "scope",
} as const;

const DEFAULT_CLIENT_NAME = "Unnamed application";

/**
 * RFC 7591 §2 metadata -> the internal shape. Unknown members are ignored, as §2 requires.
 * Defaults follow the specs, not the admin form: grant_types ["authorization_code"],
 * token_endpoint_auth_method client_secret_basic (RFC 7591 §2), id_token_signed_response_alg
 * RS256 (OIDC Registration §2). A registered client is never first-party: it always asks consent.
 */
export const registrationRequestSchema = z
  .object(
    {
      client_name: z.string().optional(),
      redirect_uris: z.unknown().optional(),
      post_logout_redirect_uris: z.unknown().optional(),
      grant_types: z.unknown().optional(),
      response_types: z.array(z.string()).optional(),
      token_endpoint_auth_method: z.string().optional(),
      id_token_signed_response_alg: z.string().optional(),
      backchannel_logout_uri: z.string().optional(),
      logo_uri: z.string().optional(),
      jwks: z.unknown().optional(),
      jwks_uri: z.unknown().optional(),
      // RFC 7591 §2: space-separated scope values the client may request.
      scope: z.string({ error: "scope is a space-separated string." }).max(4000).optional(),
    },
    { error: "The request body must be a JSON object of client metadata." },
  )
  .superRefine((m, ctx) => {
    if (m.jwks_uri !== undefined) {
      ctx.addIssue({ code: "custom", path: ["jwks_uri"], message: "jwks_uri is not supported: send the keys as jwks." });
    }
    const grants = Array.isArray(m.grant_types) ? m.grant_types : ["authorization_code"];
    const responses = m.response_types ?? (grants.includes("authorization_code") ? ["code"] : []);
    if (responses.some((r) => r !== "code")) {
      ctx.addIssue({ code: "custom", path: ["response_types"], message: 'Only the response type "code" is supported.' });
    }
    // RFC 7591 §2.1: response_types and grant_types must agree.
    if (responses.includes("code") !== grants.includes("authorization_code")) {
      ctx.addIssue({ code: "custom", path: ["response_types"], message: 'response_types ["code"] goes with grant_types authorization_code, and only with it.' });
    }
  })
  .transform(
    (m): ApplicationInputRaw => ({
      name: m.client_name ?? DEFAULT_CLIENT_NAME,
      type: m.token_endpoint_auth_method === "none" ? "public" : "confidential",
      redirectUris: (m.redirect_uris ?? []) as string[],
      postLogoutRedirectUris: (m.post_logout_redirect_uris ?? []) as string[],
      grantTypes: (m.grant_types ?? ["authorization_code"]) as GrantType[],
      tokenEndpointAuthMethod: (m.token_endpoint_auth_method ?? "client_secret_basic") as TokenEndpointAuthMethod,
      idTokenSignedResponseAlg: (m.id_token_signed_response_alg ?? "RS256") as "RS256",
      backchannelLogoutUri: m.backchannel_logout_uri ?? null,
      logoUri: m.logo_uri ?? null,
      firstParty: false,
      mfaPolicy: "default",
      emailCodeWithStrongFactor: false,
      jwks: (m.jwks ?? null) as Jwks | null,
      allowedScopes: (m.scope ?? "").split(" ").filter(Boolean),
      allowedResources: [],
    }),
  )
  .pipe(applicationInputSchema);

export type RegistrationErrorCode = "invalid_redirect_uri" | "invalid_client_metadata";

/** RFC 7591 §3.2.2: which error a failed registration gets, and a description naming the member. */
export function registrationErrorOf(error: z.ZodError): { error: RegistrationErrorCode; error_description: string } {
  const described = error.issues.map((i) => {
    const head = String(i.path[0] ?? "");
    const member = REGISTRATION_FIELDS[head as keyof typeof REGISTRATION_FIELDS] ?? head;
    return { member, text: member ? `${member}: ${i.message}` : i.message };
  });
  const redirect = described.find((d) => d.member === "redirect_uris");
  const first = redirect ?? described[0];
  return { error: redirect ? "invalid_redirect_uri" : "invalid_client_metadata", error_description: first?.text ?? "Invalid client metadata." };
}

/** RFC 7591 §3.2.1 client information response. */
export interface RegistrationResponse {
  client_id: string;
  client_secret?: string;
  client_id_issued_at: number;
  client_secret_expires_at: 0;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  id_token_signed_response_alg: string;
  backchannel_logout_uri?: string;
  logo_uri?: string;
  jwks?: Jwks;
  scope?: string;
}

// ---- Response DTOs ------------------------------------------------------------------------------

/** What leaves the domain about an application: no secret and no secret hash, ever. */
export const applicationDtoSchema = z.object({
  id: z.string(),
  clientId: z.string(),
  name: z.string(),
  type: z.enum(APPLICATION_TYPES),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  grantTypes: z.array(z.enum(GRANT_TYPES)),
  tokenEndpointAuthMethod: z.enum(TOKEN_ENDPOINT_AUTH_METHODS),
  idTokenSignedResponseAlg: z.enum(ID_TOKEN_SIGNING_ALGS),
  accessTokenTtlSeconds: z.number(),
  refreshTokenTtlSeconds: z.number(),
  backchannelLogoutUri: z.string().nullable(),
  logoUri: z.string().nullable(),
  firstParty: z.boolean(),
  mfaPolicy: z.enum(MFA_POLICIES),
  emailCodeWithStrongFactor: z.boolean(),
  jwks: jwksSchema.nullable(),
  allowedScopes: z.array(z.string()),
  allowedResources: z.array(z.string()),
  adminScopes: z.array(z.string()),
  /** Custom attributes released as claims (lib/profile mappedClaims). */
  claimMappings: claimMappingsSchema,
  /** Progressive profiling: the custom attributes this application asks for during sign-in (lib/oidc/profiling.ts). */
  profilingPolicy: profilingPolicySchema.nullable(),
  /** The claims its roles and its groups are released in (lib/applications roles.ts); null: not released. */
  rolesClaim: z.string().nullable(),
  groupsClaim: z.string().nullable(),
  /** Only users holding one of its roles may sign in to it. */
  requireRole: z.boolean(),
  /** A secret is set (confidential clients using client_secret_basic or client_secret_post). */
  hasSecret: z.boolean(),
  secretRotatedAt: z.date().nullable(),
  disabled: z.boolean(),
  disabledAt: z.date().nullable(),
  createdVia: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ApplicationDto = z.infer<typeof applicationDtoSchema>;

/** RFC 7591 §3 leaves it to us: an initial access token lives 30 days at most. */
export const INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS = 30 * 86_400;

export const initialAccessTokenTtlOptions = {
  "3600": "1 hour",
  "86400": "1 day",
  "604800": "7 days",
  "2592000": "30 days",
} as const;

export const initialAccessTokenFormSchema = z.object({
  label: z
    .string({ error: "Enter a label." })
    .trim()
    .min(1, "Enter a label, e.g. who the token is for.")
    .max(100, "Use at most 100 characters.")
    .refine((v) => !UNSAFE_CHARS.test(v), "Remove invisible or control characters."),
  ttl: z
    .enum(Object.keys(initialAccessTokenTtlOptions) as [keyof typeof initialAccessTokenTtlOptions], { error: "Choose how long the token is valid (30 days at most)." })
    .transform(Number),
  /** A checkbox: "on" when the token may register several clients. */
  multiUse: z
    .string()
    .nullish()
    .transform((v) => v === "on"),
});

export interface InitialAccessTokenDto {
  id: string;
  label: string;
  createdAt: Date;
  expiresAt: Date;
  multiUse: boolean;
  /** When a single-use token registered its client. */
  usedAt: Date | null;
  revokedAt: Date | null;
}
