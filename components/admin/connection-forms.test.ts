// The connection forms as the server renders them (what a browser without JavaScript gets): the
// fields named as the server action reads them, the defaults in the HTML, never a secret.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { connectionFormDefaults, connectionFormValuesOf } from "@/lib/federation/connection-form.schema";
import { ApplicationConnectionsForm, ConnectionForm, DeleteConnectionForm } from "./connection-forms";

const action = async () => ({});

describe("ConnectionForm", () => {
  it("a new preset's form: the preset's values, the callback URL, a blank claim row to fill without JavaScript", () => {
    const html = renderToString(createElement(ConnectionForm, { action, initial: connectionFormDefaults("github"), publicUrl: "https://id.example.com" }));
    expect(html).toContain("https://id.example.com/federation/github/callback");
    expect(html).toMatch(/name="slug"[^>]*value="github"|value="github"[^>]*name="slug"/);
    expect(html).toContain('value="https://github.com/login/oauth/authorize"');
    // The preset's four mapped claims, then a blank row.
    expect(html).toContain('name="claims.3.field"');
    expect(html).toContain('name="claims.4.field"');
    expect(html).not.toContain('name="claims.5.field"');
    expect(html).toMatch(/type="password"[^>]*name="clientSecret"|name="clientSecret"[^>]*type="password"/);
  });

  it("an existing connection's form: the slug fixed (hidden), the secret field empty and said to be stored", () => {
    const initial = connectionFormValuesOf({
      slug: "acme",
      name: "Acme",
      preset: null,
      protocol: "oidc",
      enabled: true,
      settings: { protocol: "oidc", issuer: "https://idp.acme.example", clientId: "portico", scopes: ["openid"], claimMapping: {}, responseMode: "query" },
      trustEmailVerified: false,
      storeTokens: false,
    });
    const html = renderToString(createElement(ConnectionForm, { action, id: "00000000-0000-4000-8000-0000000000cc", initial, publicUrl: "https://id.example.com", hasClientSecret: true }));
    expect(html).toMatch(/type="hidden"[^>]*name="slug"|name="slug"[^>]*type="hidden"/);
    expect(html).toContain("A secret is stored (never shown)");
    expect(html).not.toMatch(/name="clientSecret"[^>]*value="[^"]/);
  });
});

describe("ConnectionForm for SAML", () => {
  it("a new one: the metadata to paste, Portico's entity ID and ACS URL, no client ID, secret, scopes or tokens", () => {
    const html = renderToString(createElement(ConnectionForm, { action, initial: { ...connectionFormDefaults("saml"), slug: "corp" }, publicUrl: "https://id.example.com" }));
    expect(html).toMatch(/<textarea[^>]*name="metadataXml"/);
    expect(html).toContain("https://id.example.com/federation/corp/metadata");
    expect(html).toContain("https://id.example.com/federation/corp/callback");
    expect(html).toMatch(/type="hidden"[^>]*name="protocol"[^>]*value="saml"|value="saml"[^>]*name="protocol"/);
    for (const name of ["nameIdFormat", "signAuthnRequests", "requireEncryptedAssertions", "trustEmailVerified", "claims.0.claim"]) expect(html).toContain(`name="${name}"`);
    for (const name of ["clientId", "clientSecret", "scopes", "storeTokens", "issuer"]) expect(html).not.toContain(`name="${name}"`);
    expect(html).toContain('placeholder="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"');
    expect(html).toContain("SAML has no email_verified");
  });

  it("an existing one: the metadata blank, said to keep the stored identity provider; the stored choices ticked", () => {
    const initial = connectionFormValuesOf({
      slug: "corp",
      name: "Corp",
      preset: null,
      protocol: "saml",
      enabled: true,
      settings: {
        protocol: "saml",
        idpEntityId: "urn:example:idp",
        ssoUrl: "https://idp.example.com/sso",
        idpCertificates: ["A".repeat(120)],
        signAuthnRequests: true,
        requireEncryptedAssertions: false, allowCbcEncryption: false,
        nameIdFormat: "persistent",
        claimMapping: {},
      },
      trustEmailVerified: false,
      storeTokens: false,
    });
    const html = renderToString(createElement(ConnectionForm, { action, id: "00000000-0000-4000-8000-0000000000cd", initial, publicUrl: "https://id.example.com" }));
    expect(html).toContain("Blank keeps the identity provider&#x27;s settings");
    expect(html).not.toContain("urn:example:idp");
    expect(html).toMatch(/<input[^>]*name="signAuthnRequests"[^>]*>/);
    expect(/<input[^>]*name="signAuthnRequests"[^>]*>/.exec(html)![0]).toContain('checked=""');
    expect(/<input[^>]*name="requireEncryptedAssertions"[^>]*>/.exec(html)![0]).not.toContain('checked=""');
    expect(html).toMatch(/<option value="persistent" selected=""/);
  });
});

describe("ApplicationConnectionsForm", () => {
  it("offered connections first, ticked, with move buttons; the others unticked", () => {
    const c = (id: string, name: string, enabled = true) => ({ id, name, slug: name.toLowerCase(), enabled, protocol: "oidc" });
    const html = renderToString(createElement(ApplicationConnectionsForm, { action, applicationId: "app", offered: [c("b", "Beta"), c("a", "Alpha", false)], available: [c("c", "Gamma")] }));
    expect([...html.matchAll(/name="order" value="(\w)"/g)].map((m) => m[1])).toEqual(["b", "a", "c"]);
    const ticked = [...html.matchAll(/<input type="checkbox"[^>]*>/g)].map((m) => [/value="(\w)"/.exec(m[0])![1], m[0].includes('checked=""')]);
    expect(ticked).toEqual([["b", true], ["a", true], ["c", false]]);
    expect(html).toContain('value="down:b"');
    expect(html).not.toContain('value="up:c"');
    expect(html.replaceAll("<!-- -->", "")).toContain("alpha, OpenID Connect, disabled");
  });
});

describe("DeleteConnectionForm", () => {
  it("sits behind a <details> step naming the linked identities that go with it", () => {
    const html = renderToString(createElement(DeleteConnectionForm, { action, id: "x", name: "Acme", linkedIdentities: 3 }));
    expect(html).toMatch(/^<details/);
    expect(html).toContain("Delete Acme and its 3 linked identities");
    expect(html).toContain('name="confirm"');
  });
});
