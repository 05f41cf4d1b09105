// The console's connection form as the browser holds it (flat text fields, the claim mapping as
// rows) and the one function that turns it into a connection input and checks it with the server's
// own schema (connectionInputSchema): the form checks itself with it before sending, the server
// action checks the posted form with it again, and the problems land on the form's fields.
// Browser-safe: no server-only imports. A SAML connection's identity provider metadata is read by
// the server alone (saml-metadata.ts); here only its presence and size are checked.
import { z } from "zod";
import {
  claimMappingSchema,
  connectionInputSchema,
  DOMAIN,
  NAME_ID_FORMATS,
  PRESET_NAMES,
  PRESETS,
  PROTOCOLS,
  samlSettingsSchema,
  type ClaimMapping,
  type ConnectionSettings,
  type PresetName,
  type Protocol,
} from "./connection.schema";

export type ClaimRow = { field: string; claim: string };

export type ConnectionFormValues = {
  slug: string;
  name: string;
  /** A preset's name, or "" for a generic provider. */
  preset: string;
  protocol: string;
  enabled: boolean;
  issuer: string;
  issuerTemplate: string;
  /** OpenID Connect: "query" or "form_post" (Apple). */
  responseMode: string;
  /** Apple: the team and key the client secret JWT names; both blank for any other provider. */
  appleTeamId: string;
  appleKeyId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  emailsEndpoint: string;
  tokenEndpointAuthMethod: string;
  clientId: string;
  /** Empty: keep the stored one (never filled in by the page, never echoed). */
  clientSecret: string;
  /** Space-separated. */
  scopes: string;
  trustEmailVerified: boolean;
  storeTokens: boolean;
  /** OpenID Connect: signing out of Portico signs out at the provider too. */
  signOutUpstream: boolean;
  claims: ClaimRow[];
  /** SAML: the identity provider's metadata as pasted; blank on a change keeps the stored IdP settings. */
  metadataXml: string;
  /** SAML: a key of NAME_ID_FORMATS. */
  nameIdFormat: string;
  signAuthnRequests: boolean;
  requireEncryptedAssertions: boolean;
  allowCbcEncryption: boolean;
};

/** The form's text fields, as posted and echoed (the secret is posted but never echoed). */
export const CONNECTION_TEXT_FIELDS = [
  "slug",
  "name",
  "preset",
  "protocol",
  "issuer",
  "issuerTemplate",
  "responseMode",
  "appleTeamId",
  "appleKeyId",
  "authorizationEndpoint",
  "tokenEndpoint",
  "userinfoEndpoint",
  "emailsEndpoint",
  "tokenEndpointAuthMethod",
  "clientId",
  "scopes",
  "nameIdFormat",
] as const;
const CONNECTION_BOXES = ["enabled", "trustEmailVerified", "storeTokens", "signOutUpstream", "signAuthnRequests", "requireEncryptedAssertions", "allowCbcEncryption"] as const;

/** claimMappingSchema's bound; one row more is posted only by a form tampered with. */
export const MAX_CLAIM_ROWS = 40;
export const CLAIM_ROW_PREFIX = "claims";

export type ConnectionKind = PresetName | Protocol;
export const isConnectionKind = (v: unknown): v is ConnectionKind => (PRESET_NAMES as readonly unknown[]).includes(v) || (PROTOCOLS as readonly unknown[]).includes(v);

/** What "Add a connection" offers: the built-in providers, then a generic provider of each protocol. */
export const CONNECTION_KINDS: readonly { kind: ConnectionKind; label: string }[] = [
  ...PRESET_NAMES.map((p) => ({ kind: p, label: PRESETS[p].label })),
  { kind: "oidc", label: "Another OpenID Connect provider" },
  { kind: "oauth2", label: "Another OAuth 2.0 provider" },
  { kind: "saml", label: "A SAML 2.0 identity provider" },
];

export const PROTOCOL_LABELS: Record<Protocol, string> = { oidc: "OpenID Connect", oauth2: "OAuth 2.0", saml: "SAML 2.0" };

/** The NameID formats a SAML connection may ask for, by the names its form posts. */
export const NAME_ID_FORMAT_NAMES = Object.keys(NAME_ID_FORMATS) as (keyof typeof NAME_ID_FORMATS)[];

// ---- SAML metadata, as far as the browser can check it (lib/federation/saml-metadata.ts reads it) ----

/** One identity provider's metadata is a few kilobytes; a federation's aggregate runs to megabytes. */
export const MAX_METADATA_BYTES = 512 * 1024;
export const METADATA_TOO_LARGE = "The metadata is larger than 512 KB: paste one identity provider's metadata, not a federation's.";
export const METADATA_REQUIRED = "Paste the identity provider's metadata XML.";
const byteLength = (s: string) => new TextEncoder().encode(s).length;

/**
 * What the console sends for a SAML connection. The identity provider's own settings come from
 * `metadataXml`, which only the server reads; given directly instead (a script, a test), they are
 * checked as stored. Never a client secret nor the connection's certificate: Portico makes its own key.
 */
export const samlConnectionInputSchema = z
  .object({
    slug: connectionInputSchema.shape.slug,
    name: connectionInputSchema.shape.name,
    preset: connectionInputSchema.shape.preset,
    enabled: connectionInputSchema.shape.enabled,
    trustEmailVerified: connectionInputSchema.shape.trustEmailVerified,
    settings: samlSettingsSchema.omit({ spCertificate: true }).partial({ idpEntityId: true, ssoUrl: true, idpCertificates: true }),
    /** Absent: the IdP settings as given, else the stored ones. */
    metadataXml: z
      .string()
      .refine((s) => byteLength(s) <= MAX_METADATA_BYTES, METADATA_TOO_LARGE)
      .optional(),
  })
  .strict();

const rowsOf = (mapping: ClaimMapping): ClaimRow[] => Object.entries(mapping).map(([field, claim]) => ({ field, claim }));

/** A new connection's form: the preset's settings filled in, or a generic provider's usual defaults. */
export function connectionFormDefaults(kind: ConnectionKind): ConnectionFormValues {
  const blank: ConnectionFormValues = {
    slug: "",
    name: "",
    preset: "",
    protocol: "oidc",
    enabled: true,
    issuer: "",
    issuerTemplate: "",
    responseMode: "query",
    appleTeamId: "",
    appleKeyId: "",
    authorizationEndpoint: "",
    tokenEndpoint: "",
    userinfoEndpoint: "",
    emailsEndpoint: "",
    tokenEndpointAuthMethod: "client_secret_basic",
    clientId: "",
    clientSecret: "",
    scopes: "openid email profile",
    trustEmailVerified: false,
    storeTokens: false,
    signOutUpstream: false,
    claims: [],
    metadataXml: "",
    nameIdFormat: "unspecified",
    signAuthnRequests: false,
    requireEncryptedAssertions: false,
    allowCbcEncryption: false,
  };
  if (kind === "oidc") return blank;
  if (kind === "saml") return { ...blank, protocol: "saml", scopes: "" };
  if (kind === "oauth2") return { ...blank, protocol: "oauth2", scopes: "", claims: [{ field: "subject", claim: "id" }, { field: "email", claim: "email" }, { field: "name", claim: "name" }] };
  const preset = PRESETS[kind];
  return { ...blank, ...settingsValues({ ...preset.settings, clientId: "" } as ConnectionSettings), slug: kind, name: preset.label, preset: kind, trustEmailVerified: preset.trustEmailVerified };
}

function settingsValues(s: ConnectionSettings): Partial<ConnectionFormValues> {
  const claims = rowsOf(s.claimMapping ?? {});
  // The metadata is never filled in: blank keeps the stored IdP settings (the page shows them).
  if (s.protocol === "saml") {
    return { protocol: s.protocol, scopes: "", claims, nameIdFormat: s.nameIdFormat ?? "unspecified", signAuthnRequests: s.signAuthnRequests ?? false, requireEncryptedAssertions: s.requireEncryptedAssertions ?? false, allowCbcEncryption: s.allowCbcEncryption ?? false };
  }
  const common = { protocol: s.protocol, clientId: s.clientId, scopes: (s.scopes ?? []).join(" "), claims };
  if (s.protocol === "oidc") {
    return {
      ...common,
      issuer: s.issuer,
      issuerTemplate: s.issuerTemplate ?? "",
      responseMode: s.responseMode ?? "query",
      signOutUpstream: s.signOutUpstream ?? false,
      appleTeamId: s.appleClientSecret?.teamId ?? "",
      appleKeyId: s.appleClientSecret?.keyId ?? "",
    };
  }
  return {
    ...common,
    authorizationEndpoint: s.authorizationEndpoint,
    tokenEndpoint: s.tokenEndpoint,
    userinfoEndpoint: s.userinfoEndpoint,
    emailsEndpoint: s.emailsEndpoint ?? "",
    tokenEndpointAuthMethod: s.tokenEndpointAuthMethod ?? "client_secret_basic",
  };
}

/** A stored connection as its form's values (the secret field empty: blank keeps it). */
export function connectionFormValuesOf(c: {
  slug: string;
  name: string;
  preset: string | null;
  protocol: string;
  enabled: boolean;
  settings: ConnectionSettings | null;
  trustEmailVerified: boolean;
  storeTokens: boolean;
}): ConnectionFormValues {
  const base = connectionFormDefaults(c.preset && isConnectionKind(c.preset) ? c.preset : c.protocol === "oauth2" || c.protocol === "saml" ? c.protocol : "oidc");
  return {
    ...base,
    ...(c.settings ? settingsValues(c.settings) : {}),
    slug: c.slug,
    name: c.name,
    preset: c.preset ?? "",
    enabled: c.enabled,
    trustEmailVerified: c.trustEmailVerified,
    storeTokens: c.storeTokens,
  };
}

/**
 * The rows as a claim mapping, or the problems by row (`claims.<i>.field|claim`, so the message
 * lands on the row at fault). Each row is checked by the server's claimMappingSchema; a row left
 * wholly empty is no mapping; a profile field mapped twice is refused on the second row.
 */
export function claimMappingFromRows(rows: readonly ClaimRow[]): { ok: true; mapping: ClaimMapping } | { ok: false; fieldErrors: Record<string, string> } {
  if (rows.length > MAX_CLAIM_ROWS) return { ok: false, fieldErrors: { [CLAIM_ROW_PREFIX]: `At most ${MAX_CLAIM_ROWS} mapped claims.` } };
  const fieldErrors: Record<string, string> = {};
  const mapping: ClaimMapping = {};
  for (const [i, row] of rows.entries()) {
    const field = row.field.trim();
    const claim = row.claim.trim();
    if (field === "" && claim === "") continue;
    if (field === "") {
      fieldErrors[`${CLAIM_ROW_PREFIX}.${i}.field`] = "Choose the profile field.";
      continue;
    }
    const parsed = claimMappingSchema.safeParse({ [field]: claim });
    if (!parsed.success) {
      // A record's key refused: its message is the key schema's, nested in the issue.
      const issue = parsed.error.issues[0]!;
      const onKey = issue.code === "invalid_key";
      const message = onKey ? ((issue as { issues?: { message: string }[] }).issues?.[0]?.message ?? issue.message) : issue.message;
      fieldErrors[`${CLAIM_ROW_PREFIX}.${i}.${onKey ? "field" : "claim"}`] = message;
      continue;
    }
    if (Object.hasOwn(mapping, field)) {
      fieldErrors[`${CLAIM_ROW_PREFIX}.${i}.field`] = `${field} is mapped twice.`;
      continue;
    }
    mapping[field] = claim;
  }
  return Object.keys(fieldErrors).length ? { ok: false, fieldErrors } : { ok: true, mapping };
}

/**
 * The form's values as a connection input (what connectionInputSchema parses, or for SAML
 * samlConnectionInputSchema); the claim rows as given. Only the chosen protocol's fields are read.
 */
export function connectionInputFromValues(v: ConnectionFormValues, mapping: ClaimMapping): Record<string, unknown> {
  const t = (s: string) => s.trim();
  const optional = (s: string) => (t(s) === "" ? undefined : t(s));
  const scopes = t(v.scopes) === "" ? undefined : t(v.scopes).split(/\s+/);
  const protocol = t(v.protocol);
  const common = { slug: t(v.slug), name: t(v.name), preset: optional(v.preset) ?? null, enabled: v.enabled, trustEmailVerified: v.trustEmailVerified };
  if (protocol === "saml") {
    // No client secret, no tokens to keep: a secret typed into a tampered form is not sent on.
    const settings = { protocol, nameIdFormat: optional(v.nameIdFormat), signAuthnRequests: v.signAuthnRequests, requireEncryptedAssertions: v.requireEncryptedAssertions, allowCbcEncryption: v.allowCbcEncryption, claimMapping: mapping };
    return { ...common, settings: withoutUndefined(settings), ...(t(v.metadataXml) === "" ? {} : { metadataXml: v.metadataXml }) };
  }
  const settings =
    protocol === "oauth2"
      ? {
          protocol,
          authorizationEndpoint: t(v.authorizationEndpoint),
          tokenEndpoint: t(v.tokenEndpoint),
          userinfoEndpoint: t(v.userinfoEndpoint),
          emailsEndpoint: optional(v.emailsEndpoint),
          clientId: t(v.clientId),
          scopes,
          tokenEndpointAuthMethod: optional(v.tokenEndpointAuthMethod),
          claimMapping: mapping,
        }
      : {
          protocol,
          issuer: t(v.issuer),
          clientId: t(v.clientId),
          scopes,
          claimMapping: mapping,
          issuerTemplate: optional(v.issuerTemplate),
          responseMode: optional(v.responseMode),
          signOutUpstream: v.signOutUpstream || undefined,
          appleClientSecret: t(v.appleTeamId) || t(v.appleKeyId) ? { teamId: t(v.appleTeamId), keyId: t(v.appleKeyId) } : undefined,
        };
  return {
    ...common,
    settings: withoutUndefined(settings),
    // Never trimmed: a secret is what the provider issued, spaces and all.
    clientSecret: v.clientSecret === "" ? undefined : v.clientSecret,
    storeTokens: v.storeTokens,
  };
}

const withoutUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined));

/** The SAML IdP settings are read from the metadata: their problems belong to its field. */
const FROM_METADATA = new Set(["idpEntityId", "ssoUrl", "idpCertificates"]);

/** The form field a connection input's issue belongs to (`settings.issuer` → issuer; the mapping → claims; the IdP's SAML settings → metadataXml). */
export function connectionFormField(path: readonly PropertyKey[]): string {
  const [head, key] = path.map(String);
  if (head !== "settings") return head ?? "form";
  if (key === undefined) return "protocol";
  if (FROM_METADATA.has(key)) return "metadataXml";
  if (key === "appleClientSecret") return path[2] === "keyId" ? "appleKeyId" : "appleTeamId";
  return key === "claimMapping" ? CLAIM_ROW_PREFIX : key;
}

export type ParsedConnectionInput = z.output<typeof connectionInputSchema>;
export type ParsedSamlConnectionInput = z.output<typeof samlConnectionInputSchema>;
/** A checked connection input of either shape: OpenID Connect and OAuth 2.0, or SAML. */
export type ConnectionFormInput = ParsedConnectionInput | ParsedSamlConnectionInput;

export const isSamlInput = (input: ConnectionFormInput): input is ParsedSamlConnectionInput => input.settings.protocol === "saml";

const PROTOCOL_PROBLEM = "Choose OpenID Connect, OAuth 2.0 or SAML 2.0.";

/**
 * Rules across fields the schema does not hold: a preset's protocol is the preset's; an OAuth 2.0
 * provider (no ID token) must say which profile claim is its user's id.
 */
export function connectionRuleProblems(input: ConnectionFormInput): Record<string, string> {
  const problems: Record<string, string> = {};
  if (input.preset && PRESETS[input.preset].protocol !== input.settings.protocol) problems.protocol = `${PRESETS[input.preset].label} uses ${PROTOCOL_LABELS[PRESETS[input.preset].protocol]}.`;
  if (input.settings.protocol === "oauth2" && !input.settings.claimMapping.subject) problems[CLAIM_ROW_PREFIX] = "Map subject to the claim holding the user's id at the provider (GitHub: id).";
  if (input.preset === "apple" && input.settings.protocol === "oidc" && !input.settings.appleClientSecret) problems.appleTeamId = "Enter your Apple Team ID and the key's Key ID.";
  return problems;
}

/**
 * A connection input (the console form's, or any caller's) checked by the server's schema for its
 * protocol and the rules across its fields: the input, or the problems by form field. A SAML input
 * carrying a client secret, tokens to keep or the connection's certificate is refused: Portico
 * makes and keeps the connection's key itself.
 */
export function parseConnectionInput(input: unknown): { ok: true; input: ConnectionFormInput } | { ok: false; fieldErrors: Record<string, string> } {
  const record = input && typeof input === "object" ? (input as Record<string, unknown>) : {};
  const settings = record.settings && typeof record.settings === "object" ? (record.settings as Record<string, unknown>) : {};
  const fieldErrors: Record<string, string> = {};
  let parsed: z.ZodSafeParseResult<ConnectionFormInput>;
  if (settings.protocol === "saml") {
    const { clientSecret, storeTokens, ...rest } = record;
    const { spCertificate, ...samlSettings } = settings;
    if (clientSecret !== undefined && clientSecret !== "") fieldErrors.form = "A SAML connection has no client secret: Portico signs and decrypts with a key of its own.";
    else if (spCertificate !== undefined) fieldErrors.form = "A SAML connection's certificate is Portico's own: it cannot be set.";
    else if (storeTokens !== undefined && storeTokens !== false) fieldErrors.form = "A SAML identity provider issues no tokens to keep.";
    parsed = samlConnectionInputSchema.safeParse({ ...rest, settings: samlSettings });
  } else {
    parsed = connectionInputSchema.safeParse(input);
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = connectionFormField(issue.path);
      fieldErrors[field] ??= field === "protocol" ? PROTOCOL_PROBLEM : issue.message;
    }
  } else {
    for (const [field, message] of Object.entries(connectionRuleProblems(parsed.data))) fieldErrors[field] ??= message;
  }
  return Object.keys(fieldErrors).length || !parsed.success ? { ok: false, fieldErrors } : { ok: true, input: parsed.data };
}

/** Creating a connection, or changing one: a new SAML connection needs its identity provider's metadata. */
export type ConnectionFormMode = "create" | "update";

/** The form, checked as the server checks it: the connection input, or the problems by form field. */
export function checkConnectionForm(v: ConnectionFormValues, mode: ConnectionFormMode = "update"): { ok: true; input: ConnectionFormInput } | { ok: false; fieldErrors: Record<string, string> } {
  const rows = claimMappingFromRows(v.claims);
  const parsed = parseConnectionInput(connectionInputFromValues(v, rows.ok ? rows.mapping : {}));
  const fieldErrors: Record<string, string> = rows.ok ? {} : { ...rows.fieldErrors };
  if (!parsed.ok) {
    for (const [field, message] of Object.entries(parsed.fieldErrors)) {
      // The rows' own problems say more than the mapping's.
      if (field === CLAIM_ROW_PREFIX && !rows.ok) continue;
      fieldErrors[field] ??= message;
    }
  }
  if (mode === "create" && v.protocol.trim() === "saml" && v.metadataXml.trim() === "") fieldErrors.metadataXml ??= METADATA_REQUIRED;
  return Object.keys(fieldErrors).length || !parsed.ok ? { ok: false, fieldErrors } : { ok: true, input: parsed.input };
}

const formText = z.string().max(4000);

/** The browser's check of the form: checkConnectionForm's problems as issues on the form's fields (rows by their dotted path). */
function connectionFormSchemaFor(mode: ConnectionFormMode) {
  return z
    .object({
      slug: formText,
      name: formText,
      preset: formText,
      protocol: formText,
      enabled: z.boolean(),
      issuer: formText,
      issuerTemplate: formText,
      responseMode: formText,
      appleTeamId: formText,
      appleKeyId: formText,
      authorizationEndpoint: formText,
      tokenEndpoint: formText,
      userinfoEndpoint: formText,
      emailsEndpoint: formText,
      tokenEndpointAuthMethod: formText,
      clientId: formText,
      clientSecret: formText,
      scopes: formText,
      trustEmailVerified: z.boolean(),
      storeTokens: z.boolean(),
      signOutUpstream: z.boolean(),
      claims: z.array(z.object({ field: formText, claim: formText })),
      // Its size is checkConnectionForm's (in bytes, as the server counts).
      metadataXml: z.string(),
      nameIdFormat: formText,
      signAuthnRequests: z.boolean(),
      requireEncryptedAssertions: z.boolean(),
      allowCbcEncryption: z.boolean(),
    })
    .superRefine((v, ctx) => {
      const checked = checkConnectionForm(v, mode);
      if (!checked.ok) for (const [field, message] of Object.entries(checked.fieldErrors)) ctx.addIssue({ code: "custom", path: field.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k)), message });
    });
}

/** A connection's form when changing it. */
export const connectionFormSchema = connectionFormSchemaFor("update");
/** The form that adds a connection. */
export const newConnectionFormSchema = connectionFormSchemaFor("create");

type FormLike = { get(name: string): FormDataEntryValue | null };

/** The posted form's values: text fields, the boxes ("on" when ticked), the rows `claims.<i>.field|claim`. */
export function connectionValuesFromForm(form: FormLike): ConnectionFormValues {
  const text = (name: string, max = 2000) => {
    const v = form.get(name);
    return typeof v === "string" ? v.slice(0, max) : "";
  };
  const claims: ClaimRow[] = [];
  for (let i = 0; i <= MAX_CLAIM_ROWS && form.get(`${CLAIM_ROW_PREFIX}.${i}.field`) !== null; i++) {
    claims.push({ field: text(`${CLAIM_ROW_PREFIX}.${i}.field`, 200), claim: text(`${CLAIM_ROW_PREFIX}.${i}.claim`, 200) });
  }
  return {
    ...(Object.fromEntries(CONNECTION_TEXT_FIELDS.map((k) => [k, text(k)])) as Record<(typeof CONNECTION_TEXT_FIELDS)[number], string>),
    ...(Object.fromEntries(CONNECTION_BOXES.map((k) => [k, form.get(k) === "on"])) as Record<(typeof CONNECTION_BOXES)[number], boolean>),
    clientSecret: text("clientSecret", 4001),
    claims,
    // One character more than the bound: a longer paste is refused as too large, never cut to fit.
    metadataXml: text("metadataXml", MAX_METADATA_BYTES + 1),
  };
}

/** A refused form's values as the action echoes them (strings only; never the secret; the metadata, so it need not be pasted again), and back. */
export function connectionFormEcho(v: ConnectionFormValues): Record<string, string> {
  return {
    ...Object.fromEntries(CONNECTION_TEXT_FIELDS.map((k) => [k, v[k]])),
    metadataXml: v.metadataXml,
    ...Object.fromEntries(CONNECTION_BOXES.map((k) => [k, v[k] ? "on" : ""])),
    ...Object.fromEntries(v.claims.flatMap((r, i) => [[`${CLAIM_ROW_PREFIX}.${i}.field`, r.field], [`${CLAIM_ROW_PREFIX}.${i}.claim`, r.claim]])),
  };
}

export function connectionValuesFromEcho(echo: Record<string, string>): ConnectionFormValues {
  return connectionValuesFromForm({ get: (name) => (Object.hasOwn(echo, name) ? echo[name]! : null) });
}

// ---- Home realm domains -------------------------------------------------------------------------

export const MAX_CONNECTION_DOMAINS = 100;

/** The domains typed, one a line (or separated by spaces or commas), lower-cased, each once. */
export function domainListFromText(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((d) => d.trim().toLowerCase()).filter(Boolean))];
}

/** The first domain that is not one (a wildcard, an address, a bare name), or null. */
export function invalidDomain(domains: readonly string[]): string | null {
  return domains.find((d) => !DOMAIN.test(d)) ?? null;
}

// ---- An application's connections ---------------------------------------------------------------

/**
 * The connections an application offers, in order, from its form: every connection listed in its
 * current order (`order`, one hidden field a row), those ticked (`offer`) kept; a `move` button
 * (`up:<id>` or `down:<id>`) then moves an offered row one place. Works without JavaScript: moving posts
 * the form as it stands.
 */
export function applicationConnectionOrderFromForm(form: { getAll(name: string): FormDataEntryValue[]; get(name: string): FormDataEntryValue | null }): string[] {
  const strings = (name: string) => form.getAll(name).filter((v): v is string => typeof v === "string").slice(0, 500);
  const order = [...new Set(strings("order"))];
  const offered = new Set(strings("offer"));
  const ids = order.filter((id) => offered.has(id));
  const move = form.get("move");
  const m = typeof move === "string" ? /^(up|down):(.{1,64})$/.exec(move) : null;
  if (m) {
    // Among the offered rows: those not offered have no place in the order.
    const at = ids.indexOf(m[2]!);
    const to = m[1] === "up" ? at - 1 : at + 1;
    if (at >= 0 && to >= 0 && to < ids.length) [ids[at], ids[to]] = [ids[to]!, ids[at]!];
  }
  return ids;
}
