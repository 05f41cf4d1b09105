import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PRESET_NAMES, PRESETS } from "./connection.schema";
import {
  applicationConnectionOrderFromForm,
  checkConnectionForm,
  CONNECTION_KINDS,
  connectionFormDefaults,
  connectionFormEcho,
  connectionFormSchema,
  connectionFormValuesOf,
  connectionValuesFromEcho,
  connectionValuesFromForm,
  domainListFromText,
  invalidDomain,
  isSamlInput,
  MAX_METADATA_BYTES,
  METADATA_REQUIRED,
  METADATA_TOO_LARGE,
  newConnectionFormSchema,
  parseConnectionInput,
  type ConnectionFormValues,
} from "./connection-form.schema";

const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};

const generic = (over: Partial<ConnectionFormValues> = {}): ConnectionFormValues => ({ ...connectionFormDefaults("oidc"), slug: "acme", name: "Acme", issuer: "https://idp.acme.example", clientId: "portico", ...over });

describe("the connection form, checked as the server checks it", () => {
  it.each(PRESET_NAMES)("%s: the preset's form needs only the client ID (Apple: and its team and key); its settings are the preset's", (preset) => {
    expect(checkConnectionForm(connectionFormDefaults(preset))).toMatchObject({ ok: false, fieldErrors: { clientId: "Enter the client ID." } });
    const apple = preset === "apple" ? { appleTeamId: "TEAM123456", appleKeyId: "KEY1234567" } : {};
    const checked = checkConnectionForm({ ...connectionFormDefaults(preset), ...apple, clientId: "id-from-console", clientSecret: "s" });
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.input).toMatchObject({ slug: preset, preset, clientSecret: "s", settings: { clientId: "id-from-console" } });
  });

  it("Apple: answers by form_post, and its team and key ids are asked for and checked on their own fields", () => {
    const apple = connectionFormDefaults("apple");
    expect(apple).toMatchObject({ responseMode: "form_post", scopes: "openid email name", trustEmailVerified: true });
    expect(checkConnectionForm({ ...apple, clientId: "com.example.web" })).toMatchObject({ ok: false, fieldErrors: { appleTeamId: "Enter your Apple Team ID and the key's Key ID." } });
    expect(checkConnectionForm({ ...apple, clientId: "com.example.web", appleTeamId: "team", appleKeyId: "KEY1234567" })).toMatchObject({
      ok: false,
      fieldErrors: { appleTeamId: "Apple's Team ID: 10 letters and digits." },
    });
    const checked = checkConnectionForm({ ...apple, clientId: "com.example.web", appleTeamId: "TEAM123456", appleKeyId: "KEY1234567" });
    expect(checked.ok && checked.input.settings).toMatchObject({ protocol: "oidc", responseMode: "form_post", appleClientSecret: { teamId: "TEAM123456", keyId: "KEY1234567" } });
    // A stored Apple connection's form shows them again.
    if (!checked.ok) throw new Error("expected the form to check");
    const again = connectionFormValuesOf({ ...checked.input, protocol: "oidc", settings: checked.input.settings as never, trustEmailVerified: true, storeTokens: false, enabled: true });
    expect(again).toMatchObject({ responseMode: "form_post", appleTeamId: "TEAM123456", appleKeyId: "KEY1234567" });
  });

  it("a generic provider's problems land on the form's fields, the mapping's on the row at fault", () => {
    const checked = checkConnectionForm(
      generic({
        slug: "Not A Slug",
        issuer: "http://idp.acme.example",
        claims: [
          { field: "email", claim: "mail" },
          { field: "nickname", claim: "nick" },
          { field: "", claim: "" },
          { field: "name", claim: "has space" },
          { field: "email", claim: "upn" },
        ],
      }),
    );
    expect(checked).toEqual({
      ok: false,
      fieldErrors: {
        slug: "Lowercase letters, digits and dashes (at most 64).",
        issuer: "Enter a full https:// URL.",
        "claims.1.field": "Map to a profile field or attr.<name>.",
        "claims.3.claim": "A claim name or a dotted path.",
        "claims.4.field": "email is mapped twice.",
      },
    });
  });

  it("builds the settings of the chosen protocol only; blank optional fields are left out and a blank secret is none", () => {
    const checked = checkConnectionForm(generic({ authorizationEndpoint: "junk", scopes: "  openid   email ", claims: [{ field: "attr.tier", claim: "custom.tier" }] }));
    expect(checked).toEqual({
      ok: true,
      input: {
        slug: "acme",
        name: "Acme",
        preset: null,
        enabled: true,
        settings: { protocol: "oidc", issuer: "https://idp.acme.example", clientId: "portico", scopes: ["openid", "email"], claimMapping: { "attr.tier": "custom.tier" }, responseMode: "query" },
        trustEmailVerified: false,
        storeTokens: false,
      },
    });
  });

  it("an OAuth 2.0 provider must map subject; a preset keeps its protocol", () => {
    const oauth = { ...connectionFormDefaults("oauth2"), slug: "x", name: "X", clientId: "c", authorizationEndpoint: "https://x.example/a", tokenEndpoint: "https://x.example/t", userinfoEndpoint: "https://x.example/me" };
    expect(checkConnectionForm(oauth).ok).toBe(true);
    expect(checkConnectionForm({ ...oauth, claims: [{ field: "email", claim: "email" }] })).toMatchObject({ ok: false, fieldErrors: { claims: expect.stringMatching(/^Map subject/) } });
    expect(checkConnectionForm({ ...connectionFormDefaults("google"), ...oauth, slug: "google", name: "Google", preset: "google" })).toEqual({ ok: false, fieldErrors: { protocol: "Google uses OpenID Connect." } });
    expect(checkConnectionForm(generic({ protocol: "ws-fed" }))).toMatchObject({ ok: false, fieldErrors: { protocol: "Choose OpenID Connect, OAuth 2.0 or SAML 2.0." } });
  });

  it("the browser's schema reports the same problems at the same (dotted) paths", () => {
    const result = connectionFormSchema.safeParse(generic({ issuer: "", claims: [{ field: "bogus", claim: "x" }] }));
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["claims.0.field", "Map to a profile field or attr.<name>."],
      ["issuer", "Enter a full https:// URL."],
    ]);
  });

  it("reads the posted form (rows by their dotted names, boxes as on) and echoes it without the secret", () => {
    const posted = form([
      ["slug", "acme"],
      ["name", "Acme"],
      ["protocol", "oidc"],
      ["issuer", "https://idp.acme.example"],
      ["clientId", "portico"],
      ["clientSecret", " spaced secret "],
      ["enabled", "on"],
      ["claims.0.field", "email"],
      ["claims.0.claim", "mail"],
      ["claims.1.field", ""],
      ["claims.1.claim", ""],
    ]);
    const values = connectionValuesFromForm(posted);
    expect(values).toMatchObject({ slug: "acme", enabled: true, trustEmailVerified: false, clientSecret: " spaced secret ", claims: [{ field: "email", claim: "mail" }, { field: "", claim: "" }] });
    const checked = checkConnectionForm(values);
    expect(checked.ok && !isSamlInput(checked.input) && checked.input.clientSecret).toBe(" spaced secret ");
    const echo = connectionFormEcho(values);
    expect(JSON.stringify(echo)).not.toContain("spaced secret");
    expect(connectionValuesFromEcho(echo)).toEqual({ ...values, clientSecret: "" });
  });

  it("a stored connection's values come back as the form that made it", () => {
    const values = { ...connectionFormDefaults("microsoft"), clientId: "tenant-app", name: "Contoso" };
    const checked = checkConnectionForm(values);
    if (!checked.ok || isSamlInput(checked.input)) throw new Error("refused");
    const again = connectionFormValuesOf({ ...checked.input, protocol: checked.input.settings.protocol });
    expect(again).toEqual(values);
  });
});

const EMAIL_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
const METADATA = '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:example:idp">…</EntityDescriptor>';
const samlForm = (over: Partial<ConnectionFormValues> = {}): ConnectionFormValues => ({ ...connectionFormDefaults("saml"), slug: "corp", name: "Corp", metadataXml: METADATA, ...over });

describe("a SAML connection's form", () => {
  it("is offered as a kind of its own, with no preset and no client", () => {
    expect(CONNECTION_KINDS).toContainEqual({ kind: "saml", label: "A SAML 2.0 identity provider" });
    expect(connectionFormDefaults("saml")).toMatchObject({ protocol: "saml", preset: "", clientId: "", scopes: "", metadataXml: "", nameIdFormat: "unspecified", signAuthnRequests: false, requireEncryptedAssertions: false, allowCbcEncryption: false, claims: [] });
  });

  it("sends its choices and the metadata as pasted; the identity provider's settings are the server's to read from it", () => {
    const checked = checkConnectionForm(samlForm({ nameIdFormat: "persistent", signAuthnRequests: true, trustEmailVerified: true, claims: [{ field: "email", claim: EMAIL_ATTRIBUTE }] }), "create");
    expect(checked).toEqual({
      ok: true,
      input: {
        slug: "corp",
        name: "Corp",
        preset: null,
        enabled: true,
        trustEmailVerified: true,
        settings: { protocol: "saml", nameIdFormat: "persistent", signAuthnRequests: true, requireEncryptedAssertions: false, allowCbcEncryption: false, claimMapping: { email: EMAIL_ATTRIBUTE } },
        metadataXml: METADATA,
      },
    });
  });

  it("needs the metadata to create the connection; to change it, blank keeps the stored identity provider", () => {
    expect(checkConnectionForm(samlForm({ metadataXml: "  " }), "create")).toEqual({ ok: false, fieldErrors: { metadataXml: METADATA_REQUIRED } });
    const kept = checkConnectionForm(samlForm({ metadataXml: "" }), "update");
    expect(kept.ok).toBe(true);
    expect(kept.ok && kept.input).not.toHaveProperty("metadataXml");
    // The browser's schemas: the form that adds one, and the form that changes one.
    expect(newConnectionFormSchema.safeParse(samlForm({ metadataXml: "" })).error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["metadataXml", METADATA_REQUIRED]]);
    expect(connectionFormSchema.safeParse(samlForm({ metadataXml: "" })).success).toBe(true);
    // An OpenID Connect form has no metadata to ask for.
    expect(checkConnectionForm(generic(), "create").ok).toBe(true);
  });

  it("refuses metadata over 512 KB, counted in bytes as the server counts them", () => {
    expect(checkConnectionForm(samlForm({ metadataXml: "x".repeat(MAX_METADATA_BYTES) })).ok).toBe(true);
    expect(checkConnectionForm(samlForm({ metadataXml: "é".repeat(MAX_METADATA_BYTES / 2 + 1) }))).toEqual({ ok: false, fieldErrors: { metadataXml: METADATA_TOO_LARGE } });
  });

  it("never sends a client secret or tokens to keep, whatever a tampered form holds; a bad NameID format lands on its field", () => {
    const checked = checkConnectionForm(samlForm({ clientSecret: "typed anyway", storeTokens: true, clientId: "x", issuer: "junk" }));
    expect(checked.ok).toBe(true);
    expect(JSON.stringify(checked)).not.toContain("typed anyway");
    expect(checked.ok && checked.input).not.toHaveProperty("storeTokens");
    expect(checkConnectionForm(samlForm({ nameIdFormat: "transient" }))).toMatchObject({ ok: false, fieldErrors: { nameIdFormat: expect.any(String) } });
    expect(checkConnectionForm(samlForm({ claims: [{ field: "email", claim: "has space" }] }))).toEqual({ ok: false, fieldErrors: { "claims.0.claim": "A claim name or a dotted path." } });
  });

  it("reads the posted metadata beyond the text fields' bound, and echoes it (never the secret)", () => {
    const xml = `${METADATA}<!-- ${"x".repeat(10_000)} -->`;
    const values = connectionValuesFromForm(
      form([
        ["slug", "corp"],
        ["name", "Corp"],
        ["protocol", "saml"],
        ["metadataXml", xml],
        ["nameIdFormat", "emailAddress"],
        ["requireEncryptedAssertions", "on"],
        ["clientSecret", "should not come back"],
      ]),
    );
    expect(values).toMatchObject({ protocol: "saml", metadataXml: xml, nameIdFormat: "emailAddress", requireEncryptedAssertions: true, allowCbcEncryption: false, signAuthnRequests: false });
    const echo = connectionFormEcho(values);
    expect(JSON.stringify(echo)).not.toContain("should not come back");
    expect(connectionValuesFromEcho(echo)).toEqual({ ...values, clientSecret: "" });
    // One character over the bound survives the read, so it is refused rather than cut to fit.
    const huge = connectionValuesFromForm(form([["metadataXml", "x".repeat(MAX_METADATA_BYTES + 50)]]));
    expect(huge.metadataXml).toHaveLength(MAX_METADATA_BYTES + 1);
  });

  it("a stored SAML connection's form: its choices, the metadata blank; saved as it is, the same choices go back", () => {
    const values = connectionFormValuesOf({
      slug: "corp",
      name: "Corp",
      preset: null,
      protocol: "saml",
      enabled: false,
      settings: {
        protocol: "saml",
        idpEntityId: "urn:example:idp",
        ssoUrl: "https://idp.example.com/sso",
        idpCertificates: ["A".repeat(120)],
        signAuthnRequests: true,
        requireEncryptedAssertions: true, allowCbcEncryption: false,
        nameIdFormat: "emailAddress",
        claimMapping: { name: "displayName" },
        spCertificate: "B".repeat(120),
      },
      trustEmailVerified: true,
      storeTokens: false,
    });
    expect(values).toMatchObject({ protocol: "saml", metadataXml: "", nameIdFormat: "emailAddress", signAuthnRequests: true, requireEncryptedAssertions: true, allowCbcEncryption: false, enabled: false, claims: [{ field: "name", claim: "displayName" }] });
    expect(JSON.stringify(values)).not.toContain("AAAAAAAAAA");
    const checked = checkConnectionForm(values);
    expect(checked.ok && checked.input.settings).toEqual({ protocol: "saml", nameIdFormat: "emailAddress", signAuthnRequests: true, requireEncryptedAssertions: true, allowCbcEncryption: false, claimMapping: { name: "displayName" } });
  });
});

describe("a SAML connection input from elsewhere than the form", () => {
  const input = (over: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) => ({ slug: "corp", name: "Corp", settings: { protocol: "saml", ...settings }, ...over });

  it("refuses a client secret, the connection's certificate and tokens to keep: Portico makes the key", () => {
    expect(parseConnectionInput(input({ clientSecret: "s" }))).toEqual({ ok: false, fieldErrors: { form: expect.stringMatching(/^A SAML connection has no client secret/) } });
    expect(parseConnectionInput(input({}, { spCertificate: "A".repeat(200) }))).toEqual({ ok: false, fieldErrors: { form: expect.stringMatching(/certificate is Portico's own/) } });
    expect(parseConnectionInput(input({ storeTokens: true }))).toEqual({ ok: false, fieldErrors: { form: "A SAML identity provider issues no tokens to keep." } });
    expect(parseConnectionInput(input({ clientSecret: "", storeTokens: false })).ok).toBe(true);
  });

  it("checks the identity provider's settings when given directly, their problems on the metadata's field", () => {
    expect(parseConnectionInput(input({}, { idpEntityId: "urn:x", ssoUrl: "http://idp.example.com/sso", idpCertificates: ["A".repeat(120)] }))).toEqual({ ok: false, fieldErrors: { metadataXml: "Enter a full https:// URL." } });
    expect(parseConnectionInput(input({}, { idpEntityId: "urn:x", ssoUrl: "https://idp.example.com/sso", idpCertificates: ["A".repeat(120)] })).ok).toBe(true);
  });
});

describe("home realm domains", () => {
  it("one a line (or by spaces and commas), lower case, each once; malformed ones named", () => {
    expect(domainListFromText(" Acme.Example\r\ncorp.acme.example, ACME.example\n\n")).toEqual(["acme.example", "corp.acme.example"]);
    expect(invalidDomain(["acme.example", "*.acme.example"])).toBe("*.acme.example");
    expect(invalidDomain(["jane@acme.example"])).toBe("jane@acme.example");
    expect(invalidDomain(["acme.example"])).toBeNull();
  });
});

describe("an application's connections from its form", () => {
  const rows = (move?: string) =>
    form([
      ["order", "a"],
      ["order", "b"],
      ["order", "c"],
      ["order", "d"],
      ["offer", "a"],
      ["offer", "c"],
      ["offer", "d"],
      ...(move ? ([["move", move]] as [string, string][]) : []),
    ]);

  it("keeps the ticked rows in the order shown", () => {
    expect(applicationConnectionOrderFromForm(rows())).toEqual(["a", "c", "d"]);
  });

  it("moves an offered row one place among the offered (an unticked row in between does not count)", () => {
    expect(applicationConnectionOrderFromForm(rows("up:c"))).toEqual(["c", "a", "d"]);
    expect(applicationConnectionOrderFromForm(rows("down:a"))).toEqual(["c", "a", "d"]);
    expect(applicationConnectionOrderFromForm(rows("down:d"))).toEqual(["a", "c", "d"]);
    expect(applicationConnectionOrderFromForm(rows("up:a"))).toEqual(["a", "c", "d"]);
    expect(applicationConnectionOrderFromForm(rows("up:b"))).toEqual(["a", "c", "d"]);
  });
});

describe("README", () => {
  it.each(PRESET_NAMES)("repeats %s's setup text, as the console shows it", (preset) => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    expect(readme).toContain(`| ${PRESETS[preset].label} | ${PRESETS[preset].setup} |`);
  });
});
