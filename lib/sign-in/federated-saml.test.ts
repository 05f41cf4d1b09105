// SAML 2.0 sign-in end to end without a browser, against a SAML IdP stand-in that signs (and
// encrypts) real assertions (test/upstreams/saml-idp.ts): SP-initiated over HTTP-Redirect, the
// Response posted to the callback without the browser's cookies (lib/federation answerSamlRequest),
// then the browser back at the callback by GET (finishFederation). Every tampered answer is refused
// with its own code, which the sign-in page turns into a clear message.
import crypto from "node:crypto";
import xmlenc from "xml-encryption";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { reloadConfig } from "@/lib/config";
import { certificatePem, selfSignedCertificate } from "@/lib/crypto/self-signed-certificate";
import { answerSamlRequest, createConnection, FederationError, samlMetadataOf, serviceProviderOf, setConnectionDomains, type ConnectionAdminView } from "@/lib/federation";
import { createAttributeDefinition } from "@/lib/profile";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { validateSession } from "@/lib/sessions";
import { followToAnswer } from "@/test/upstreams/browser";
import { allowLoopback } from "@/test/upstreams/connection";
import {
  NAME_ID_FORMAT,
  startSamlIdp,
  tamperNameId,
  xswEvilAssertionFirst,
  xswWrappedAssertion,
  xswWrappedResponse,
  commentInNameId,
  type SamlIdp,
  type SamlResponseOptions,
} from "@/test/upstreams/saml-idp";
import { completeFederatedRegistration, finishFederation, importedAttributesOf, pendingFederatedStep, startFederation, type FederationBrowser } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.73", userAgent: "vitest" };
const admin = { id: "00000000-0000-4000-8000-00000000f003", roles: ["admin"] };

let idp: SamlIdp;
let acme: ConnectionAdminView;
const sp = () => serviceProviderOf("acme-saml");

const browser = (): FederationBrowser => {
  const binding = crypto.randomBytes(32).toString("base64url");
  return { binding, interactionBinding: binding };
};

/** Start, through the IdP's SSO page to its auto-posted Response, post it (no cookies), then the browser back at the callback. */
async function roundTrip(b: FederationBrowser, slug = "acme-saml") {
  const { redirectTo } = await startFederation(slug, { next: "/account" }, ctx, b);
  const answer = await followToAnswer(redirectTo, serviceProviderOf(slug).acsUrl);
  expect(answer.method).toBe("POST");
  const { continueAt } = await answerSamlRequest(slug, answer.params);
  return { posted: answer.params, outcome: () => finishFederation(slug, new URL(continueAt, "http://portico.test").searchParams, ctx, b, null) };
}

/** A request under way (the IdP saw its AuthnRequest), to answer by hand. */
async function requestUnderWay(slug = "acme-saml") {
  const { redirectTo } = await startFederation(slug, { next: "/account" }, ctx, browser());
  const relayState = new URL(redirectTo).searchParams.get("RelayState")!;
  await fetch(redirectTo).then((r) => r.text());
  const seen = idp.requests.at(-1)!;
  expect(seen.relayState).toBe(relayState);
  return { relayState, requestId: seen.id };
}

async function answered(samlResponse: string, relayState: string, slug = "acme-saml") {
  return answerSamlRequest(slug, new URLSearchParams({ SAMLResponse: samlResponse, RelayState: relayState }));
}

async function refusalCode(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FederationError);
  return (e as FederationError).code;
}

/** The IdP's honest answer to this request, with `overrides`. */
const honest = (requestId: string, overrides: Partial<SamlResponseOptions> = {}, slug = "acme-saml") =>
  idp.responseFor({ acsUrl: serviceProviderOf(slug).acsUrl, audience: serviceProviderOf(slug).entityId, inResponseTo: requestId }, overrides);

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  idp = await startSamlIdp({
    user: {
      nameId: "amelia@acme.example",
      nameIdFormat: NAME_ID_FORMAT.emailAddress,
      attributes: { "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": "amelia@acme.example", givenName: "Amelia", sn: "Earhart", department: "Flight", memberOf: ["pilots", "navigators"] },
    },
  });
  await createAttributeDefinition(admin, { name: "department", label: "Department", type: "string", required: false, rules: {}, customerAccess: "read", appReadScope: null }, {});
  const settings = { protocol: "saml", idpEntityId: idp.entityId, ssoUrl: idp.ssoUrl, idpCertificates: [idp.certificateBase64], claimMapping: { "attr.department": "department" } };
  acme = await createConnection(admin, { slug: "acme-saml", name: "Acme SSO", settings, trustEmailVerified: true }, ctx);
  // A SAML directory is trusted for the domains mapped to its connection only.
  await setConnectionDomains(admin, acme.id, ["acme.example"], ctx);
  await createConnection(admin, { slug: "acme-encrypted", name: "Acme SSO (encrypted)", settings: { ...settings, requireEncryptedAssertions: true }, trustEmailVerified: true }, ctx);
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await idp?.close();
});
beforeEach(() => {
  resetFixedWindowLimitsForTests();
  idp.responseOverrides = {};
  idp.spCertificates.encryption = null;
});

describe("SAML sign-in", () => {
  it("registers just in time from a signed assertion, with its attributes, then signs in again straight away", async () => {
    const b = browser();
    const first = await roundTrip(b);
    // SP-initiated: the IdP saw our AuthnRequest, for our entity and ACS.
    expect(idp.requests.at(-1)).toMatchObject({ binding: "HTTP-Redirect", issuer: sp().entityId, acsUrl: sp().acsUrl });
    const outcome = await first.outcome();
    expect(outcome).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/register\?token=/) });
    const token = new URL((outcome as { redirectTo: string }).redirectTo, "http://x").searchParams.get("token");
    const pending = await pendingFederatedStep(token, "register", b);
    expect(pending?.identity).toMatchObject({
      subject: "amelia@acme.example",
      email: "amelia@acme.example",
      emailVerified: true,
      profile: { given_name: "Amelia", family_name: "Earhart", "attr.department": "Flight" },
      amr: ["fed", "pwd"],
    });
    const signedIn = await completeFederatedRegistration(token, { acceptedDocuments: [], consents: {} }, ctx, b);
    const user = await t.db().user.findUniqueOrThrow({ where: { email: "amelia@acme.example" } });
    expect(user).toMatchObject({ givenName: "Amelia", familyName: "Earhart", passwordHash: null });
    // The mapped custom attribute was imported at registration.
    expect(user.attributes).toMatchObject({ department: "Flight" });
    expect(await t.db().linkedIdentity.findMany({ where: { userId: user.id } })).toMatchObject([{ connectionId: acme.id, subject: "amelia@acme.example" }]);
    expect((await validateSession(signedIn.cookies.session!.token))!.amr).toEqual(["fed", "pwd"]);

    const again = await (await roundTrip(browser())).outcome();
    expect(again).toMatchObject({ kind: "continue" });
    expect(await t.db().user.count({ where: { email: "amelia@acme.example" } })).toBe(1);
  });

  it("imports the mapped attributes that fit their definitions; the page may show only those the customer may see", async () => {
    await createAttributeDefinition(admin, { name: "fraud_score", label: "Fraud score", type: "number", required: false, rules: {}, customerAccess: "none", appReadScope: null }, {});
    const imported = await importedAttributesOf({ profile: { "attr.department": "Flight", "attr.fraud_score": "7", "attr.unknown": "x", given_name: "Amelia" } });
    expect(imported).toEqual([
      { name: "department", label: "Department", value: "Flight", customerReadable: true },
      { name: "fraud_score", label: "Fraud score", value: 7, customerReadable: false },
    ]);
  });

  it("never vouches for an address outside the connection's domains: another company's account is not linked, nor registered", async () => {
    const other = await t.db().user.create({ data: { email: "ceo@othercorp.example", emailVerifiedAt: new Date() } });
    idp.user = { ...idp.user, nameId: "ceo@othercorp.example", attributes: { email: "ceo@othercorp.example" } };
    try {
      const outcome = await (await roundTrip(browser())).outcome();
      expect(outcome).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/link\?token=/) });
      idp.user = { ...idp.user, nameId: "new@elsewhere.example", attributes: { email: "new@elsewhere.example" } };
      expect(await (await roundTrip(browser())).outcome()).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/link\?token=/) });
    } finally {
      idp.user = { nameId: "amelia@acme.example", nameIdFormat: NAME_ID_FORMAT.emailAddress, attributes: { email: "amelia@acme.example", givenName: "Amelia", sn: "Earhart", department: "Flight" } };
    }
    expect(await t.db().linkedIdentity.count({ where: { userId: other.id } })).toBe(0);
    expect(await t.db().user.count({ where: { email: "new@elsewhere.example" } })).toBe(0);
  });

  it("redeems the answer only in the browser that started the request", async () => {
    const { redirectTo } = await startFederation("acme-saml", { next: "/account" }, ctx, browser());
    const answer = await followToAnswer(redirectTo, sp().acsUrl);
    const { continueAt } = await answerSamlRequest("acme-saml", answer.params);
    expect(await refusalCode(finishFederation("acme-saml", new URL(continueAt, "http://x").searchParams, ctx, browser(), null))).toBe("invalid_state");
  });

  it("accepts an encrypted assertion (to the connection's own key), and only encrypted ones where the connection requires it", async () => {
    const spCertificate = (acme.settings as { spCertificate?: string }).spCertificate;
    expect(spCertificate).toBeTruthy();
    const plain = await requestUnderWay("acme-encrypted");
    expect(await refusalCode(answered(await honest(plain.requestId, {}, "acme-encrypted"), plain.relayState, "acme-encrypted"))).toBe("invalid_response");

    // Each SAML connection has its own key: the encrypted connection's certificate, from its metadata.
    const metadata = (await samlMetadataOf("acme-encrypted"))!;
    const certificate = /<(?:ds:)?X509Certificate>([^<]+)</.exec(metadata)![1]!.replace(/\s+/g, "");
    const enc = await requestUnderWay("acme-encrypted");
    const encrypted = await honest(enc.requestId, { encryptFor: certificate }, "acme-encrypted");
    expect(Buffer.from(encrypted, "base64").toString()).toContain("EncryptedAssertion");
    await expect(answered(encrypted, enc.relayState, "acme-encrypted")).resolves.toMatchObject({ continueAt: expect.stringContaining("/federation/acme-encrypted/callback?state=") });
  });

  it("publishes service provider metadata naming its entity, its ACS and its certificate", async () => {
    const xml = (await samlMetadataOf("acme-saml"))!;
    expect(xml).toContain(`entityID="${sp().entityId}"`);
    expect(xml).toContain(`Location="${sp().acsUrl}"`);
    expect(xml).toContain("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    expect(xml).toMatch(/WantAssertionsSigned="true"/);
    expect(xml).toMatch(/X509Certificate/);
    expect(await samlMetadataOf("no-such-connection")).toBeNull();
  });
});

describe("tampered and misdirected SAML answers", () => {
  it("refuses signature wrapping, an altered NameID, a comment-split NameID, an untrusted key and an unsigned assertion", async () => {
    const cases: [string, (r: { requestId: string }) => Promise<string>, string][] = [
      ["evil assertion before the signed one", async (r) => xswEvilAssertionFirst(await honest(r.requestId), "ceo@acme.example"), "saml_signature"],
      ["signed assertion moved into Extensions", async (r) => xswWrappedAssertion(await honest(r.requestId), "ceo@acme.example", "extensions"), "saml_signature"],
      ["signed assertion inside an evil one", async (r) => xswWrappedAssertion(await honest(r.requestId), "ceo@acme.example", "evil-assertion"), "saml_signature"],
      ["signed assertion in the signature's Object", async (r) => xswWrappedAssertion(await honest(r.requestId), "ceo@acme.example", "signature-object"), "saml_signature"],
      ["wrapped response", async (r) => xswWrappedResponse(await honest(r.requestId, { sign: "both" }), "ceo@acme.example"), "saml_signature"],
      ["NameID changed after signing", async (r) => tamperNameId(await honest(r.requestId), "ceo@acme.example"), "saml_signature"],
      ["signed by a key the connection does not trust", async (r) => honest(r.requestId, { signingKey: selfSignedCertificate("mallory") }), "saml_signature"],
      ["only the response signed, not the assertion", async (r) => honest(r.requestId, { sign: "response" }), "saml_signature"],
      ["nothing signed", async (r) => honest(r.requestId, { sign: "none" }), "saml_signature"],
    ];
    for (const [name, build, code] of cases) {
      const r = await requestUnderWay();
      expect([name, await refusalCode(answered(await build(r), r.relayState))]).toEqual([name, code]);
    }
    // A comment inside a signed NameID (the attacker's "amelia@acme.example<!---->.evil.test") verifies,
    // and the whole value is read, never the text before the comment.
    const r = await requestUnderWay();
    const attackers = await honest(r.requestId, { nameId: "amelia@acme.example.evil.test" });
    await answered(commentInNameId(attackers, "amelia@acme.example".length), r.relayState);
    const stored = await t.db().federationRequest.findUniqueOrThrow({ where: { stateHash: crypto.createHash("sha256").update(r.relayState).digest("hex") } });
    expect(stored.upstream).toMatchObject({ subject: "amelia@acme.example.evil.test" });
  });

  it("refuses a wrong audience, recipient or destination, another issuer, an expired or not yet valid assertion", async () => {
    const hour = 3600_000;
    const cases: [string, Partial<SamlResponseOptions>, string][] = [
      ["audience of another service", { audience: "https://other-sp.example/metadata" }, "saml_audience"],
      ["recipient elsewhere", { recipient: "https://other-sp.example/acs" }, "saml_audience"],
      ["destination elsewhere", { destination: "https://other-sp.example/acs", recipient: sp().acsUrl }, "saml_audience"],
      ["issued by another entity (signed with the trusted key)", { assertionIssuer: "https://evil.example/idp", issuer: "https://evil.example/idp" }, "saml_issuer"],
      ["expired", { now: new Date(Date.now() - 2 * hour), notOnOrAfter: new Date(Date.now() - hour), subjectNotOnOrAfter: new Date(Date.now() - hour) }, "saml_expired"],
      ["not yet valid", { notBefore: new Date(Date.now() + hour) }, "saml_expired"],
    ];
    for (const [name, overrides, code] of cases) {
      const r = await requestUnderWay();
      expect([name, await refusalCode(answered(await honest(r.requestId, overrides), r.relayState))]).toEqual([name, code]);
    }
  });

  it("refuses an unsolicited assertion given our request's ID on the unsigned Response around it", async () => {
    // What an IdP posts for a sign-in started on its own portal: no InResponseTo, assertion signed.
    const unsolicited = Buffer.from(await idp.responseFor({ acsUrl: sp().acsUrl, audience: sp().entityId }), "base64").toString();
    expect(unsolicited).not.toContain("InResponseTo");
    const r = await requestUnderWay();
    const wrapped = unsolicited.replace("<samlp:Response ", `<samlp:Response InResponseTo="${r.requestId}" `);
    expect(await refusalCode(answered(Buffer.from(wrapped).toString("base64"), r.relayState))).toBe("saml_replayed");
  });

  it("gives one answer for every encrypted assertion that does not decrypt to a signed one, refuses CBC unless allowed, and spends the request", async () => {
    const slug = "acme-encrypted";
    const certificate = /<(?:ds:)?X509Certificate>([^<]+)</.exec((await samlMetadataOf(slug))!)![1]!.replace(/\s+/g, "");
    const encrypt = (plain: string, algorithm: xmlenc.EncryptionAlgorithm) =>
      new Promise<string>((resolve, reject) =>
        xmlenc.encrypt(plain, { rsa_pub: certificatePem(certificate), pem: certificatePem(certificate), encryptionAlgorithm: algorithm, keyEncryptionAlgorithm: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" }, (e, out) => (e ? reject(e) : resolve(out))),
      );
    const envelope = (encrypted: string, requestId: string) =>
      Buffer.from(
        `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${crypto.randomBytes(8).toString("hex")}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${serviceProviderOf(slug).acsUrl}" InResponseTo="${requestId}"><saml:Issuer>${idp.entityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:EncryptedAssertion>${encrypted}</saml:EncryptedAssertion></samlp:Response>`,
      ).toString("base64");
    const gcm: xmlenc.EncryptionAlgorithm = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
    const codes: string[] = [];
    for (const plain of ["<x>well formed, not an assertion</x>", "<x>broken<</x>"]) {
      const r = await requestUnderWay(slug);
      codes.push(await refusalCode(answered(envelope(await encrypt(plain, gcm), r.requestId), r.relayState, slug)));
      // The request is spent: the next try needs a new one.
      expect(await refusalCode(answered(envelope(await encrypt(plain, gcm), r.requestId), r.relayState, slug))).toBe("invalid_state");
    }
    expect(codes).toEqual(["saml_signature", "saml_signature"]);
    // AES-CBC (a padding oracle's mode) is refused before decryption on a connection that did not allow it.
    const cbc = await requestUnderWay(slug);
    const honestCbc = await honest(cbc.requestId, { encryptFor: certificate, encryption: "aes256-cbc" }, slug);
    expect(await refusalCode(answered(honestCbc, cbc.relayState, slug))).toBe("saml_signature");
  });

  it("refuses a transient NameID even when the subject is mapped to the NameID by name", async () => {
    const settings = { protocol: "saml", idpEntityId: idp.entityId, ssoUrl: idp.ssoUrl, idpCertificates: [idp.certificateBase64], claimMapping: { subject: "nameID" } };
    await createConnection(admin, { slug: "acme-transient", name: "Acme transient", settings, trustEmailVerified: true }, ctx);
    const r = await requestUnderWay("acme-transient");
    const response = await honest(r.requestId, { nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient", nameId: "_t1" }, "acme-transient");
    expect(await refusalCode(answered(response, r.relayState, "acme-transient"))).toBe("invalid_response");
  });

  it("refuses a replayed assertion, an answer to another request, an IdP-initiated answer and a DTD", async () => {
    const r = await requestUnderWay();
    const response = await honest(r.requestId);
    await answered(response, r.relayState);
    expect(await refusalCode(answered(response, r.relayState))).toBe("saml_replayed");
    // The same assertion for a new request of the attacker's: it answers another request.
    const other = await requestUnderWay();
    expect(await refusalCode(answered(response, other.relayState))).toBe("saml_replayed");
    // A fresh assertion with the right ID but for no request this browser made.
    const stray = await requestUnderWay();
    expect(await refusalCode(answered(await honest("_not-our-request"), stray.relayState))).toBe("saml_replayed");
    // IdP-initiated: nothing names a request.
    expect(await refusalCode(answerSamlRequest("acme-saml", new URLSearchParams({ SAMLResponse: await honest(r.requestId) })))).toBe("invalid_state");
    const withDtd = await requestUnderWay();
    const xml = Buffer.from(await honest(withDtd.requestId), "base64").toString();
    const dtd = Buffer.from(xml.replace(/^(<\?xml[^>]*\?>)?/, `$1<!DOCTYPE r [<!ENTITY a "aaaa">]>`)).toString("base64");
    expect(await refusalCode(answered(dtd, withDtd.relayState))).toBe("invalid_response");
    // A body that is not base64 at all.
    const junk = await requestUnderWay();
    expect(await refusalCode(answered("%%%not base64%%%", junk.relayState))).toBe("invalid_response");
  });
});
