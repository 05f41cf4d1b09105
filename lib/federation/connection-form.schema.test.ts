import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PRESET_NAMES, PRESETS } from "./connection.schema";
import {
  applicationConnectionOrderFromForm,
  checkConnectionForm,
  connectionFormDefaults,
  connectionFormEcho,
  connectionFormSchema,
  connectionFormValuesOf,
  connectionValuesFromEcho,
  connectionValuesFromForm,
  domainListFromText,
  invalidDomain,
  type ConnectionFormValues,
} from "./connection-form.schema";

const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};

const generic = (over: Partial<ConnectionFormValues> = {}): ConnectionFormValues => ({ ...connectionFormDefaults("oidc"), slug: "acme", name: "Acme", issuer: "https://idp.acme.example", clientId: "portico", ...over });

describe("the connection form, checked as the server checks it", () => {
  it.each(PRESET_NAMES)("%s: the preset's form needs only the client ID; its settings are the preset's", (preset) => {
    expect(checkConnectionForm(connectionFormDefaults(preset))).toMatchObject({ ok: false, fieldErrors: { clientId: "Enter the client ID." } });
    const checked = checkConnectionForm({ ...connectionFormDefaults(preset), clientId: "id-from-console", clientSecret: "s" });
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.input).toMatchObject({ slug: preset, preset, clientSecret: "s", settings: { clientId: "id-from-console" } });
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
        settings: { protocol: "oidc", issuer: "https://idp.acme.example", clientId: "portico", scopes: ["openid", "email"], claimMapping: { "attr.tier": "custom.tier" } },
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
    expect(checkConnectionForm(generic({ protocol: "saml" }))).toMatchObject({ ok: false, fieldErrors: { protocol: "Choose OpenID Connect or OAuth 2.0." } });
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
    expect(checked.ok && checked.input.clientSecret).toBe(" spaced secret ");
    const echo = connectionFormEcho(values);
    expect(JSON.stringify(echo)).not.toContain("spaced secret");
    expect(connectionValuesFromEcho(echo)).toEqual({ ...values, clientSecret: "" });
  });

  it("a stored connection's values come back as the form that made it", () => {
    const values = { ...connectionFormDefaults("microsoft"), clientId: "tenant-app", name: "Contoso" };
    const checked = checkConnectionForm(values);
    if (!checked.ok) throw new Error("refused");
    const again = connectionFormValuesOf({ ...checked.input, protocol: checked.input.settings.protocol });
    expect(again).toEqual(values);
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
