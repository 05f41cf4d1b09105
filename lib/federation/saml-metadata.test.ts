import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ENTRA_TENANT,
  entitiesDescriptor,
  entraIdMetadata,
  HTTP_REDIRECT,
  MINIMAL_ENTITY_ID,
  MINIMAL_SSO_URL,
  minimalMetadata,
  OKTA_ENTITY_ID,
  OKTA_SSO_URL,
  oktaMetadata,
  serviceProviderMetadata,
  testCertificates,
} from "@/test/saml-idp-metadata";
import { certificateSummary, EXPIRY_WARNING_DAYS, parseIdpMetadata } from "./saml-metadata";

const certs = testCertificates();
const refusal = (xml: string) => {
  const result = parseIdpMetadata(xml);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.idp)}`);
  return result.message;
};

describe("reading an identity provider's metadata", () => {
  it("Entra ID's: the IDPSSODescriptor's certificates (both while it rolls over), not the document signature's nor the WS-Federation role's", () => {
    const result = parseIdpMetadata(entraIdMetadata([certs.current, certs.next], { signatureCertificate: certs.other }));
    expect(result).toEqual({
      ok: true,
      idp: {
        idpEntityId: `https://sts.windows.net/${ENTRA_TENANT}/`,
        ssoUrl: `https://login.microsoftonline.com/${ENTRA_TENANT}/saml2`,
        idpCertificates: [certs.current, certs.next],
        signAuthnRequests: false,
      },
    });
  });

  it("Okta's: prefixed names, a certificate wrapped in lines, HTTP-POST listed before HTTP-Redirect; WantAuthnRequestsSigned", () => {
    expect(parseIdpMetadata(oktaMetadata(certs.current))).toEqual({ ok: true, idp: { idpEntityId: OKTA_ENTITY_ID, ssoUrl: OKTA_SSO_URL, idpCertificates: [certs.current], signAuthnRequests: false } });
    expect(parseIdpMetadata(oktaMetadata(certs.current, { wantSigned: true }))).toMatchObject({ ok: true, idp: { signAuthnRequests: true } });
  });

  it("a minimal one: a key without use is for signing, an encryption key is not; xs:boolean 1; a byte order mark", () => {
    expect(parseIdpMetadata(`\uFEFF${minimalMetadata(certs.current, certs.other)}`)).toEqual({
      ok: true,
      idp: { idpEntityId: MINIMAL_ENTITY_ID, ssoUrl: MINIMAL_SSO_URL, idpCertificates: [certs.current], signAuthnRequests: true },
    });
  });

  it("a certificate listed twice is kept once", () => {
    expect(parseIdpMetadata(entraIdMetadata([certs.current, certs.current]))).toMatchObject({ ok: true, idp: { idpCertificates: [certs.current] } });
  });

  it("an expired certificate is accepted (metadata vouches for the key; the console shows its expiry)", () => {
    expect(parseIdpMetadata(oktaMetadata(certs.expired))).toMatchObject({ ok: true, idp: { idpCertificates: [certs.expired] } });
  });

  it("an EntitiesDescriptor holding one identity provider (and a service provider) gives that identity provider", () => {
    expect(parseIdpMetadata(entitiesDescriptor(serviceProviderMetadata(certs.other), oktaMetadata(certs.current)))).toMatchObject({ ok: true, idp: { idpEntityId: OKTA_ENTITY_ID } });
  });

  it("http on localhost is a sign-on URL (a stand-in identity provider); http elsewhere is not", () => {
    expect(parseIdpMetadata(minimalMetadata(certs.current, certs.other, { ssoUrl: "http://localhost:4000/sso" }))).toMatchObject({ ok: true, idp: { ssoUrl: "http://localhost:4000/sso" } });
    expect(refusal(minimalMetadata(certs.current, certs.other, { ssoUrl: "http://idp.example.com/sso" }))).toBe("The HTTP-Redirect sign-on URL is not an https:// URL: http://idp.example.com/sso.");
  });
});

describe("refusing metadata, each time with a sentence for the console's field", () => {
  it("nothing pasted", () => {
    expect(refusal("")).toBe("Paste the identity provider's metadata XML.");
    expect(refusal("  \n ")).toBe("Paste the identity provider's metadata XML.");
  });

  it("over 512 KB (counted in bytes)", () => {
    const padding = `<!-- ${"x".repeat(512 * 1024)} -->`;
    expect(refusal(oktaMetadata(certs.current) + padding)).toMatch(/^The metadata is larger than 512 KB/);
    // Two bytes a character in UTF-8: under the bound in characters, over it in bytes.
    expect(refusal(`${oktaMetadata(certs.current)}<!-- ${"é".repeat(300 * 1024)} -->`)).toMatch(/^The metadata is larger than 512 KB/);
  });

  it("a DOCTYPE or an entity declaration, before any parsing (XXE, entity expansion)", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE md:EntityDescriptor [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${oktaMetadata(certs.current).replace(/^<\?xml[^>]*\?>/, "").replace(OKTA_ENTITY_ID, "&xxe;")}`;
    const bomb = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
    for (const xml of [xxe, bomb, `<!doctype html>${minimalMetadata(certs.current, certs.other)}`]) expect(refusal(xml)).toMatch(/^The metadata declares a DOCTYPE or entities/);
  });

  it("not well-formed: the parser's complaint, with its line, never thrown", () => {
    expect(refusal(oktaMetadata(certs.current).replace("</md:IDPSSODescriptor>", ""))).toMatch(/^The metadata is not well-formed XML \(/);
    expect(refusal('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="a" entityID="b"/>')).toMatch(/^The metadata is not well-formed XML \(line 1, column \d+: Attribute entityID redefined\)\.$/);
    expect(refusal("<a>&undefined;</a>")).toMatch(/^The metadata is not well-formed XML \(.*entity not found/);
    expect(refusal("just some text")).toMatch(/^This is not XML/);
  });

  it("not SAML metadata, or in another namespace", () => {
    expect(refusal("<html><body>Sign in</body></html>")).toMatch(/^This is not SAML 2\.0 metadata: it must be an EntityDescriptor/);
    expect(refusal(oktaMetadata(certs.current).replaceAll("urn:oasis:names:tc:SAML:2.0:metadata", "urn:example:not-saml"))).toMatch(/^This is not SAML 2\.0 metadata/);
  });

  it("not one identity provider: a service provider's metadata, an aggregate of several or of none", () => {
    expect(refusal(serviceProviderMetadata(certs.current))).toMatch(/no IDPSSODescriptor.*paste one identity provider's metadata\.$/);
    expect(refusal(entitiesDescriptor(oktaMetadata(certs.current), minimalMetadata(certs.next, certs.other)))).toBe("This metadata describes 2 identity providers (a federation's?): paste one identity provider's metadata.");
    expect(refusal(entitiesDescriptor(serviceProviderMetadata(certs.current)))).toBe("This metadata describes no identity provider: paste one identity provider's metadata.");
  });

  it("no entityID", () => {
    expect(refusal(minimalMetadata(certs.current, certs.other, { entityId: " " }))).toBe("The EntityDescriptor has no entityID (SAML Metadata §2.3.2).");
    expect(refusal(minimalMetadata(certs.current, certs.other, { entityId: `urn:${"x".repeat(1030)}` }))).toMatch(/longer than 1024 characters/);
  });

  it("an identity provider without SAML 2.0 in its protocolSupportEnumeration", () => {
    expect(refusal(minimalMetadata(certs.current, certs.other, { protocols: "urn:oasis:names:tc:SAML:1.1:protocol" }))).toMatch(/^The identity provider does not support SAML 2\.0/);
    // Listed among others, it is found.
    expect(parseIdpMetadata(minimalMetadata(certs.current, certs.other, { protocols: "urn:oasis:names:tc:SAML:1.1:protocol urn:oasis:names:tc:SAML:2.0:protocol" })).ok).toBe(true);
  });

  it("sign-on over HTTP-POST only, or no sign-on service at all", () => {
    expect(refusal(oktaMetadata(certs.current, { redirect: false }))).toMatch(/^The identity provider offers sign-on over HTTP-POST only: Portico sends its requests with the HTTP-Redirect binding/);
    const none = minimalMetadata(certs.current, certs.other).replace(/<SingleSignOnService[^>]*\/>/, "");
    expect(refusal(none)).toBe("The metadata names no SingleSignOnService with the HTTP-Redirect binding (SAML Bindings §3.4).");
    const artifact = minimalMetadata(certs.current, certs.other).replace(HTTP_REDIRECT, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact");
    expect(refusal(artifact)).toMatch(/^The metadata names no SingleSignOnService with the HTTP-Redirect binding/);
  });

  it("no signing certificate: only an encryption key, or none", () => {
    const encryptionOnly = minimalMetadata(certs.current, certs.other).replace("<KeyDescriptor>", '<KeyDescriptor use="encryption">');
    expect(refusal(encryptionOnly)).toMatch(/^The metadata names no signing certificate/);
    const none = oktaMetadata(certs.current).replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, "");
    expect(refusal(none)).toMatch(/^The metadata names no signing certificate/);
  });

  it("a certificate that is not one: not base64, or base64 of something else", () => {
    expect(refusal(oktaMetadata("not*base64"))).toBe("Signing certificate 1 in the metadata is not an X.509 certificate.");
    expect(refusal(entraIdMetadata([certs.current, crypto.randomBytes(600).toString("base64")]))).toBe("Signing certificate 2 in the metadata is not an X.509 certificate.");
  });

  it("more than four signing certificates", () => {
    const five = [certs.current, certs.next, certs.other, certs.expired, certs.expiring];
    expect(refusal(entraIdMetadata(five))).toBe("The metadata names 5 signing certificates: at most 4.");
  });
});

describe("a certificate as the console shows it", () => {
  it("its SHA-256 fingerprint, subject and expiry; expired, or expiring within the warning days", () => {
    const now = new Date();
    const current = certificateSummary(certs.current, now)!;
    const der = Buffer.from(certs.current, "base64");
    expect(current.sha256Fingerprint).toBe(crypto.createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)!.join(":"));
    expect(current.subject).toBe("CN=Microsoft Azure Federated SSO Certificate");
    expect(current.status).toBe("valid");
    expect(current.validTo.getTime()).toBeGreaterThan(now.getTime() + 3000 * 86_400_000);
    expect(certificateSummary(certs.expired, now)!.status).toBe("expired");
    expect(certificateSummary(certs.expiring, now)!.status).toBe("expiring");
    expect(certificateSummary(certs.expiring, new Date(now.getTime() - (EXPIRY_WARNING_DAYS - 5) * 86_400_000))!.status).toBe("valid");
    expect(certificateSummary("bm90IGEgY2VydGlmaWNhdGU=")).toBeNull();
  });
});
