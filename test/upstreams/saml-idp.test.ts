// The SAML stand-in is only worth its tests if a real service provider agrees with it: every
// response here is judged by node-saml (the library Portico validates with), which must accept the
// honest ones and refuse each attack.
import crypto from "node:crypto";
import zlib from "node:zlib";
import { SAML, SamlStatusError, ValidateInResponseTo, type SamlConfig } from "@node-saml/node-saml";
import { SignedXml } from "xml-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificatePem, selfSignedCertificate } from "@/lib/crypto/self-signed-certificate";
import {
  buildSamlResponse,
  buildSamlResponseXml,
  commentInNameId,
  NAME_ID_FORMAT,
  startSamlIdp,
  STATUS,
  tamperNameId,
  xswEvilAssertionFirst,
  xswWrappedAssertion,
  xswWrappedResponse,
  type SamlIdp,
  type SamlResponseOptions,
} from "./saml-idp";
import { parseXml, selectElement, selectElements } from "./saml-xml";

const SP = { entityId: "https://sp.example/metadata", acs: "https://sp.example/acs" };
const idpKey = selfSignedCertificate("idp.example");
const spKey = selfSignedCertificate("sp.example");
const IDP_ENTITY = "https://idp.example/metadata";
const USER = { nameId: "ada@example.com", attributes: { email: "ada@example.com", givenName: "Ada", groups: ["admins", "staff"] } };

/** node-saml as an SP trusting `idpKey`: assertions must be signed, the response need not be. */
function sp(overrides: Partial<SamlConfig> = {}): SAML {
  return new SAML({
    idpCert: certificatePem(idpKey.certificateBase64),
    issuer: SP.entityId,
    callbackUrl: SP.acs,
    audience: SP.entityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.never,
    ...overrides,
  });
}

const response = (overrides: Partial<SamlResponseOptions> = {}) =>
  buildSamlResponse({ issuer: IDP_ENTITY, signingKey: idpKey, destination: SP.acs, audience: SP.entityId, ...USER, ...overrides });

const decode = (b64: string) => parseXml(Buffer.from(b64, "base64").toString("utf8"));

/** xml-crypto alone (no SAML-level checks) on each ds:Signature: does the cryptography still hold? */
function signaturesVerify(b64: string): boolean[] {
  const xml = Buffer.from(b64, "base64").toString("utf8");
  return selectElements("//ds:Signature", parseXml(xml)).map((signature) => {
    const sig = new SignedXml({ publicCert: certificatePem(idpKey.certificateBase64) });
    sig.loadSignature(signature);
    return sig.checkSignature(xml);
  });
}

describe("buildSamlResponse, judged by node-saml", () => {
  it("signs an assertion node-saml accepts, with the NameID, its format and every attribute", async () => {
    const { profile } = await sp().validatePostResponseAsync({ SAMLResponse: await response({ sessionIndex: "s-1" }) });
    expect(profile).toMatchObject({
      issuer: IDP_ENTITY,
      nameID: "ada@example.com",
      nameIDFormat: NAME_ID_FORMAT.emailAddress,
      sessionIndex: "s-1",
      attributes: { email: "ada@example.com", givenName: "Ada", groups: ["admins", "staff"] },
    });
  });

  it("places each ds:Signature right after its Issuer, as the schema orders it", async () => {
    const doc = decode(await response({ sign: "both" }));
    const [responseIssuer, responseSignature] = selectElements("/samlp:Response/*", doc);
    expect([responseIssuer?.localName, responseSignature?.localName]).toEqual(["Issuer", "Signature"]);
    const [assertionIssuer, assertionSignature, subject] = selectElements("/samlp:Response/saml:Assertion/*", doc);
    expect([assertionIssuer?.localName, assertionSignature?.localName, subject?.localName]).toEqual(["Issuer", "Signature", "Subject"]);
    expect(selectElement("//ds:SignatureMethod", doc)?.getAttribute("Algorithm")).toBe("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    expect(selectElement("//ds:DigestMethod", doc)?.getAttribute("Algorithm")).toBe("http://www.w3.org/2001/04/xmlenc#sha256");
    expect(selectElement("//ds:KeyInfo/ds:X509Data/ds:X509Certificate", doc)?.textContent).toBe(idpKey.certificateBase64);
  });

  it("keeps a given assertion ID (a replay reuses one)", async () => {
    const doc = decode(await response({ assertionId: "_replayed" }));
    expect(selectElement("/samlp:Response/saml:Assertion", doc)?.getAttribute("ID")).toBe("_replayed");
    await expect(sp().validatePostResponseAsync({ SAMLResponse: await response({ assertionId: "_replayed" }) })).resolves.toMatchObject({ profile: { nameID: "ada@example.com" } });
  });

  it("a response signed as a whole: refused where assertions must be signed, accepted where the response must be", async () => {
    const signed = await response({ sign: "response" });
    await expect(sp().validatePostResponseAsync({ SAMLResponse: signed })).rejects.toThrow(/Invalid signature/);
    const { profile } = await sp({ wantAssertionsSigned: false, wantAuthnResponseSigned: true }).validatePostResponseAsync({ SAMLResponse: signed });
    expect(profile?.nameID).toBe("ada@example.com");
  });

  it("both signed: accepted where both must be", async () => {
    const { profile } = await sp({ wantAuthnResponseSigned: true }).validatePostResponseAsync({ SAMLResponse: await response({ sign: "both" }) });
    expect(profile?.nameID).toBe("ada@example.com");
  });

  it("refuses an unsigned assertion", async () => {
    await expect(sp().validatePostResponseAsync({ SAMLResponse: await response({ sign: "none" }) })).rejects.toThrow(/Invalid signature/);
    await expect(sp({ wantAssertionsSigned: false }).validatePostResponseAsync({ SAMLResponse: await response({ sign: "none" }) })).rejects.toThrow(/Invalid signature/);
  });

  it("refuses an assertion signed by a key the SP does not trust", async () => {
    const untrusted = selfSignedCertificate("idp.example"); // same name, another key
    await expect(sp().validatePostResponseAsync({ SAMLResponse: await response({ signingKey: untrusted }) })).rejects.toThrow(/Invalid signature/);
    await expect(sp({ wantAuthnResponseSigned: true }).validatePostResponseAsync({ SAMLResponse: await response({ signingKey: untrusted, sign: "both" }) })).rejects.toThrow(/Invalid document signature/);
  });

  it("refuses another SP's audience", async () => {
    await expect(sp().validatePostResponseAsync({ SAMLResponse: await response({ audience: "https://other-sp.example/metadata" }) })).rejects.toThrow(/audience mismatch/);
  });

  it("refuses an expired window and one not yet open", async () => {
    const past = new Date(Date.now() - 3_600_000);
    await expect(sp().validatePostResponseAsync({ SAMLResponse: await response({ now: past }) })).rejects.toThrow(/expired/);
    await expect(sp().validatePostResponseAsync({ SAMLResponse: await response({ notOnOrAfter: new Date(Date.now() - 1000), subjectNotOnOrAfter: new Date(Date.now() + 60_000) }) })).rejects.toThrow(
      /expired/,
    );
    await expect(sp().validatePostResponseAsync({ SAMLResponse: await response({ notBefore: new Date(Date.now() + 600_000) }) })).rejects.toThrow(/not yet valid/);
  });

  it("reports a failure status, with no assertion", async () => {
    const failed = await response({ statusCode: STATUS.responder, statusSubCode: STATUS.authnFailed, statusMessage: "wrong password" });
    expect(selectElements("//saml:Assertion", decode(failed))).toHaveLength(0);
    const error = await sp()
      .validatePostResponseAsync({ SAMLResponse: failed })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SamlStatusError);
    expect((error as Error).message).toBe("SAML provider returned Responder error: wrong password");
  });
});

describe("encrypted assertions", () => {
  for (const encryption of ["aes256-gcm", "aes128-gcm", "aes256-cbc"] as const) {
    it(`${encryption}: decrypted with the SP's key, then validated`, async () => {
      const encrypted = await response({ encryptFor: spKey.certificateBase64, encryption });
      const doc = decode(encrypted);
      expect(selectElements("/samlp:Response/saml:Assertion", doc)).toHaveLength(0);
      expect(selectElement("/samlp:Response/saml:EncryptedAssertion/xenc:EncryptedData/xenc:EncryptionMethod", doc)?.getAttribute("Algorithm")).toMatch(new RegExp(`#${encryption}$`));
      expect(Buffer.from(encrypted, "base64").toString()).not.toContain("ada@example.com");
      const { profile } = await sp({ decryptionPvk: spKey.privateKeyPem }).validatePostResponseAsync({ SAMLResponse: encrypted });
      expect(profile).toMatchObject({ nameID: "ada@example.com", attributes: { groups: ["admins", "staff"] } });
    });
  }

  it("signed inside and out: the response signature covers the EncryptedAssertion", async () => {
    const { profile } = await sp({ decryptionPvk: spKey.privateKeyPem, wantAuthnResponseSigned: true }).validatePostResponseAsync({
      SAMLResponse: await response({ encryptFor: spKey.certificateBase64, sign: "both" }),
    });
    expect(profile?.nameID).toBe("ada@example.com");
  });

  it("cannot be read without the SP's key, nor with another", async () => {
    const encrypted = await response({ encryptFor: spKey.certificateBase64 });
    await expect(sp().validatePostResponseAsync({ SAMLResponse: encrypted })).rejects.toThrow(/No decryption key/);
    await expect(sp({ decryptionPvk: selfSignedCertificate("other").privateKeyPem }).validatePostResponseAsync({ SAMLResponse: encrypted })).rejects.toThrow();
  });

  it("an encrypted assertion left unsigned is refused", async () => {
    const encrypted = await response({ encryptFor: spKey.certificateBase64, sign: "none" });
    await expect(sp({ decryptionPvk: spKey.privateKeyPem }).validatePostResponseAsync({ SAMLResponse: encrypted })).rejects.toThrow(/Invalid signature from encrypted assertion/);
  });
});

describe("tampering with a signed response, refused by node-saml", () => {
  let honest: string;
  beforeAll(async () => {
    honest = await response();
  });

  it("the tampering round trip alone (parse, serialize, same NameID) keeps the signature valid", async () => {
    const { profile } = await sp().validatePostResponseAsync({ SAMLResponse: tamperNameId(honest, "ada@example.com") });
    expect(profile?.nameID).toBe("ada@example.com");
  });

  it("each wrapping keeps a signature xml-crypto alone still verifies: node-saml's refusals below are its wrapping defences", async () => {
    const signedResponse = await response({ sign: "response" });
    expect(signaturesVerify(xswEvilAssertionFirst(honest, "admin@example.com"))).toEqual([true]);
    for (const wrapper of ["extensions", "signature-object", "evil-assertion"] as const) {
      expect(signaturesVerify(xswWrappedAssertion(honest, "admin@example.com", wrapper))).toEqual([true]);
    }
    expect(signaturesVerify(xswWrappedResponse(signedResponse, "admin@example.com"))).toEqual([true]);
    expect(signaturesVerify(tamperNameId(honest, "admin@example.com"))).toEqual([false]);
  });

  it("(a) an unsigned evil assertion before the signed one", async () => {
    const attack = xswEvilAssertionFirst(honest, "admin@example.com");
    expect(selectElements("/samlp:Response/saml:Assertion/saml:Subject/saml:NameID", decode(attack)).map((n) => n.textContent)).toEqual(["admin@example.com", "ada@example.com"]);
    await expect(sp().validatePostResponseAsync({ SAMLResponse: attack })).rejects.toThrow(/multiple assertions/);
  });

  it("(b) the signed assertion moved into samlp:Extensions, an evil one in its place", async () => {
    const attack = xswWrappedAssertion(honest, "admin@example.com", "extensions");
    expect(selectElements("/samlp:Response/samlp:Extensions/saml:Assertion/ds:Signature", decode(attack))).toHaveLength(1);
    await expect(sp().validatePostResponseAsync({ SAMLResponse: attack })).rejects.toThrow(/Invalid signature/);
    await expect(sp({ wantAssertionsSigned: false }).validatePostResponseAsync({ SAMLResponse: attack })).rejects.toThrow(/Invalid signature/);
  });

  it("(b) the signed assertion moved into a ds:Object of the signature the evil one carries", async () => {
    const attack = xswWrappedAssertion(honest, "admin@example.com", "signature-object");
    expect(selectElements("/samlp:Response/saml:Assertion/ds:Signature/ds:Object/saml:Assertion", decode(attack))).toHaveLength(1);
    await expect(sp().validatePostResponseAsync({ SAMLResponse: attack })).rejects.toThrow(/Referenced node does not refer to it's parent element/);
  });

  it("(b) the signed assertion wrapped inside the evil one", async () => {
    const attack = xswWrappedAssertion(honest, "admin@example.com", "evil-assertion");
    expect(selectElements("/samlp:Response/saml:Assertion/saml:Assertion/ds:Signature", decode(attack))).toHaveLength(1);
    await expect(sp().validatePostResponseAsync({ SAMLResponse: attack })).rejects.toThrow(/Invalid signature/);
  });

  it("(c) the NameID changed after signing", async () => {
    await expect(sp().validatePostResponseAsync({ SAMLResponse: tamperNameId(honest, "admin@example.com") })).rejects.toThrow(/Invalid signature/);
  });

  it("(d) a comment splitting the NameID: the signature holds, and node-saml reads the whole signed name", async () => {
    const signedForAttacker = await response({ nameId: "admin@example.com.attacker.test" });
    const attack = commentInNameId(signedForAttacker, "admin@example.com".length);
    expect(Buffer.from(attack, "base64").toString()).toContain("admin@example.com<!---->.attacker.test");
    expect(selectElement("//saml:NameID", decode(attack))?.firstChild?.nodeValue).toBe("admin@example.com"); // what a naive SP would read
    const { profile } = await sp().validatePostResponseAsync({ SAMLResponse: attack });
    expect(profile?.nameID).toBe("admin@example.com.attacker.test");
  });

  it("XSW on the Response signature: the signed Response inside a ds:Object of an evil one", async () => {
    const signedResponse = await response({ sign: "response" });
    const attack = xswWrappedResponse(signedResponse, "admin@example.com");
    expect(selectElements("/samlp:Response/ds:Signature/ds:Object/samlp:Response", decode(attack))).toHaveLength(1);
    await expect(sp({ wantAssertionsSigned: false, wantAuthnResponseSigned: true }).validatePostResponseAsync({ SAMLResponse: attack })).rejects.toThrow(
      /Referenced node does not refer to it's parent element/,
    );
  });

  it("an encrypted assertion cannot be wrapped from outside", async () => {
    const encrypted = await response({ encryptFor: spKey.certificateBase64 });
    expect(() => xswEvilAssertionFirst(encrypted, "admin@example.com")).toThrow(/no plain saml:Assertion/);
  });
});

describe("startSamlIdp", () => {
  let idp: SamlIdp;
  beforeAll(async () => {
    idp = await startSamlIdp({ user: { nameId: "grace@example.com", attributes: { email: "grace@example.com", displayName: "Grace Hopper" } } });
  });
  afterAll(() => idp.close());

  function spFor(overrides: Partial<SamlConfig> = {}): SAML {
    return new SAML({
      entryPoint: idp.ssoUrl,
      idpCert: idp.certificateBase64,
      issuer: SP.entityId,
      callbackUrl: SP.acs,
      audience: SP.entityId,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.always,
      ...overrides,
    });
  }

  /** The auto-posting page's form: where it posts and its fields. */
  function readForm(html: string): { action: string; fields: Record<string, string> } {
    const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
    if (action === undefined) throw new Error(`no form in ${html}`);
    const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescape(m[2]!)]));
    return { action: unescape(action), fields };
  }

  async function signInRedirect(saml: SAML, relayState = "") {
    const authorizeUrl = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
    const res = await fetch(authorizeUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBeNull();
    const html = await res.text();
    expect(html).toContain("<script>document.forms[0].submit();</script>");
    expect(html).toContain('<button type="submit">Continue</button>');
    return { authorizeUrl, ...readForm(html) };
  }

  it("serves metadata: the signing certificate, NameID formats and both SSO bindings at ssoUrl", async () => {
    const res = await fetch(`${idp.url}/metadata`);
    expect(res.headers.get("content-type")).toBe("application/samlmetadata+xml");
    const doc = parseXml(await res.text());
    const entity = selectElement("/md:EntityDescriptor", doc)!;
    expect(entity.getAttribute("entityID")).toBe(idp.entityId);
    const descriptor = selectElement("md:IDPSSODescriptor", entity)!;
    expect(descriptor.getAttribute("protocolSupportEnumeration")).toBe("urn:oasis:names:tc:SAML:2.0:protocol");
    expect(descriptor.getAttribute("WantAuthnRequestsSigned")).toBe("false");
    expect(selectElement("md:KeyDescriptor[@use='signing']/ds:KeyInfo/ds:X509Data/ds:X509Certificate", descriptor)?.textContent).toBe(idp.certificateBase64);
    expect(selectElements("md:NameIDFormat", descriptor).map((e) => e.textContent)).toEqual([NAME_ID_FORMAT.emailAddress, NAME_ID_FORMAT.persistent]);
    expect(selectElements("md:SingleSignOnService", descriptor).map((e) => [e.getAttribute("Binding"), e.getAttribute("Location")])).toEqual([
      ["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", idp.ssoUrl],
      ["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", idp.ssoUrl],
    ]);
    const rolling = parseXml(idp.metadataXml({ wantAuthnRequestsSigned: true, extraSigningCertificates: [spKey.certificateBase64] }));
    expect(selectElement("//md:IDPSSODescriptor", rolling)?.getAttribute("WantAuthnRequestsSigned")).toBe("true");
    expect(selectElements("//md:KeyDescriptor", rolling)).toHaveLength(2);
  });

  it("HTTP-Redirect round trip: the auto-posted response is accepted, answering the request's ID, to its ACS, for its Issuer", async () => {
    const saml = spFor();
    const { fields, action } = await signInRedirect(saml, "state-123&more");
    expect(action).toBe(SP.acs);
    expect(fields.RelayState).toBe("state-123&more");
    const seen = idp.requests.at(-1)!;
    expect(seen).toMatchObject({ binding: "HTTP-Redirect", issuer: SP.entityId, acsUrl: SP.acs, destination: idp.ssoUrl, relayState: "state-123&more", signed: false, signatureVerified: false });
    expect(seen.id).toMatch(/^_/);
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! });
    expect(profile).toMatchObject({ nameID: "grace@example.com", inResponseTo: seen.id, attributes: { displayName: "Grace Hopper" } });
    const doc = decode(fields.SAMLResponse!);
    expect(selectElement("/samlp:Response", doc)?.getAttribute("Destination")).toBe(SP.acs);
    expect(selectElement("//saml:SubjectConfirmationData", doc)?.getAttribute("Recipient")).toBe(SP.acs);
    expect(selectElement("//saml:Audience", doc)?.textContent).toBe(SP.entityId);
  });

  it("a response to a request another SP instance made is refused by InResponseTo", async () => {
    const { fields } = await signInRedirect(spFor());
    await expect(spFor().validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! })).rejects.toThrow(/InResponseTo is not valid/);
  });

  it("checks a Redirect request's query signature against the SP certificates registered", async () => {
    const signing = { privateKey: spKey.privateKeyPem, signatureAlgorithm: "sha256" as const };
    idp.spCertificates.signing = [spKey.certificateBase64];
    try {
      const saml = spFor(signing);
      const { fields, authorizeUrl } = await signInRedirect(saml, "rs");
      expect(new URL(authorizeUrl).searchParams.get("SigAlg")).toBe("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
      expect(idp.requests.at(-1)).toMatchObject({ signed: true, signatureVerified: true });
      await expect(saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! })).resolves.toMatchObject({ profile: { nameID: "grace@example.com" } });

      idp.spCertificates.signing = [selfSignedCertificate("other").certificateBase64];
      await signInRedirect(spFor(signing));
      expect(idp.requests.at(-1)).toMatchObject({ signed: true, signatureVerified: false });
    } finally {
      idp.spCertificates.signing = [];
    }
  });

  it("verifies a Redirect signature over the query's octets as received (Bindings §3.4.4.1), not re-encoded", async () => {
    idp.spCertificates.signing = [spKey.certificateBase64];
    try {
      const request = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_hand" Version="2.0" IssueInstant="${new Date().toISOString()}" AssertionConsumerServiceURL="${SP.acs}"><saml:Issuer>${SP.entityId}</saml:Issuer></samlp:AuthnRequest>`;
      // Everything but RFC 3986's unreserved characters percent-encoded: the octets survive fetch's URL parser as they would a browser's.
      const encode = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      const query = [
        `SAMLRequest=${encode(zlib.deflateRawSync(request).toString("base64"))}`,
        `RelayState=${encode("a b's (x)")}`,
        `SigAlg=${encode("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")}`,
      ].join("&");
      const signature = crypto.sign("sha256", Buffer.from(query), spKey.privateKeyPem).toString("base64");
      await fetch(`${idp.ssoUrl}?${query}&Signature=${encode(signature)}`);
      expect(idp.requests.at(-1)).toMatchObject({ id: "_hand", relayState: "a b's (x)", signed: true, signatureVerified: true });

      // node-saml 5.1.0 signs querystring.stringify's encoding ("a%20b") but sends URLSearchParams' ("a+b"):
      // a strict IdP cannot verify it when RelayState holds a space or one of ' ( ) ! ~.
      await fetch(await spFor({ privateKey: spKey.privateKeyPem, signatureAlgorithm: "sha256" }).getAuthorizeUrlAsync("a b", undefined, {}));
      expect(idp.requests.at(-1)).toMatchObject({ relayState: "a b", signed: true, signatureVerified: false });
    } finally {
      idp.spCertificates.signing = [];
    }
  });

  it("requireSignedRequests: an unsigned request is answered Requester/RequestDenied", async () => {
    idp.requireSignedRequests = true;
    try {
      const saml = spFor();
      const { fields } = await signInRedirect(saml);
      const error = await saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SamlStatusError);
      expect((error as Error).message).toMatch(/Requester error: The AuthnRequest is not signed/);
      expect(idp.metadataXml()).toContain('WantAuthnRequestsSigned="true"');
    } finally {
      idp.requireSignedRequests = false;
    }
  });

  it("HTTP-POST binding: a request signed inside its XML is verified and answered", async () => {
    idp.spCertificates.signing = [spKey.certificateBase64];
    try {
      // Bindings §3.5.4: no DEFLATE over POST; node-saml deflates unless told not to.
      const saml = spFor({ privateKey: spKey.privateKeyPem, signatureAlgorithm: "sha256", authnRequestBinding: "HTTP-POST", skipRequestCompression: true });
      const message = await saml.getAuthorizeMessageAsync("post-state", undefined, {});
      const res = await fetch(idp.ssoUrl, { method: "POST", body: new URLSearchParams(message as Record<string, string>) });
      const { fields } = readForm(await res.text());
      expect(idp.requests.at(-1)).toMatchObject({ binding: "HTTP-POST", signed: true, signatureVerified: true, relayState: "post-state" });
      await expect(saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! })).resolves.toMatchObject({ profile: { nameID: "grace@example.com" } });
    } finally {
      idp.spCertificates.signing = [];
    }
  });

  it("encrypts to spCertificates.encryption", async () => {
    idp.spCertificates.encryption = spKey.certificateBase64;
    try {
      const saml = spFor({ decryptionPvk: spKey.privateKeyPem });
      const { fields } = await signInRedirect(saml);
      expect(selectElements("/samlp:Response/saml:EncryptedAssertion", decode(fields.SAMLResponse!))).toHaveLength(1);
      await expect(saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! })).resolves.toMatchObject({ profile: { nameID: "grace@example.com" } });
    } finally {
      idp.spCertificates.encryption = null;
    }
  });

  it("responseOverrides misbehave on demand: an untrusted key, another audience", async () => {
    try {
      idp.responseOverrides = { signingKey: selfSignedCertificate("rogue") };
      let saml = spFor();
      let { fields } = await signInRedirect(saml);
      await expect(saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! })).rejects.toThrow(/Invalid signature/);
      idp.responseOverrides = { audience: "https://other-sp.example/metadata" };
      saml = spFor();
      ({ fields } = await signInRedirect(saml));
      await expect(saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! })).rejects.toThrow(/audience mismatch/);
    } finally {
      idp.responseOverrides = {};
    }
  });

  it("follows the mutable user", async () => {
    idp.user = { nameId: "1234-5678", nameIdFormat: NAME_ID_FORMAT.persistent, attributes: { email: "kay@example.com" } };
    try {
      const saml = spFor();
      const { fields } = await signInRedirect(saml);
      await expect(saml.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! })).resolves.toMatchObject({
        profile: { nameID: "1234-5678", nameIDFormat: NAME_ID_FORMAT.persistent, email: "kay@example.com" },
      });
    } finally {
      idp.user = { nameId: "grace@example.com", attributes: { email: "grace@example.com", displayName: "Grace Hopper" } };
    }
  });

  it("answers 400 to a missing or malformed SAMLRequest, 404 elsewhere", async () => {
    expect((await fetch(idp.ssoUrl)).status).toBe(400);
    expect((await fetch(`${idp.ssoUrl}?SAMLRequest=bm90IGRlZmxhdGVk`)).status).toBe(400);
    expect((await fetch(`${idp.url}/nowhere`)).status).toBe(404);
  });

  it("responseFor builds an IdP-initiated response node-saml accepts where InResponseTo is optional", async () => {
    const unsolicited = await idp.responseFor({ acsUrl: SP.acs, audience: SP.entityId });
    expect(selectElement("/samlp:Response", decode(unsolicited))?.hasAttribute("InResponseTo")).toBe(false);
    await expect(spFor({ validateInResponseTo: ValidateInResponseTo.ifPresent }).validatePostResponseAsync({ SAMLResponse: unsolicited })).resolves.toMatchObject({
      profile: { nameID: "grace@example.com" },
    });
    await expect(spFor().validatePostResponseAsync({ SAMLResponse: unsolicited })).rejects.toThrow(/InResponseTo is missing/);
  });
});

it("buildSamlResponseXml and buildSamlResponse agree", async () => {
  const now = new Date();
  const opts: SamlResponseOptions = { issuer: IDP_ENTITY, signingKey: idpKey, destination: SP.acs, audience: SP.entityId, ...USER, now, responseId: "_r", assertionId: "_a", sessionIndex: "_s", sign: "none" };
  expect(Buffer.from(await buildSamlResponse(opts), "base64").toString("utf8")).toBe(await buildSamlResponseXml(opts));
});
