// SAML 2.0 Web Browser SSO, SP-initiated (SAML Profiles §4.1): the AuthnRequest over HTTP-Redirect
// (Bindings §3.4) and the Response posted back to the callback (Bindings §3.5). node-saml checks
// the XML signature over exactly what it verified (so a wrapped, unsigned assertion is never read),
// decrypts an EncryptedAssertion with the connection's key, and checks times, audience and
// InResponseTo; this adds what it leaves to its caller: the issuer, the recipient and destination,
// an assertion always signed, a size and DTD guard in front of the parser, and the facts the
// replay check needs (the assertion's ID and lifetime).
import "server-only";
import crypto from "node:crypto";
import { SAML, ValidateInResponseTo, type CacheProvider, type Profile } from "@node-saml/node-saml";
import { DOMParser } from "@xmldom/xmldom";
import * as xpath from "xpath";
import { certificatePem } from "@/lib/crypto";
import { NAME_ID_FORMATS, type SamlSettings } from "../connection.schema";
import type { ConnectionWithSecret } from "../connections";
import { FederationError } from "../federation.errors";
import { mapUpstreamClaims } from "./claims";
import type { UpstreamIdentity } from "./types";

/** Portico as the service provider of one connection. */
export interface ServiceProvider {
  /** Its entityID: the metadata URL (the Audience every assertion must name). */
  entityId: string;
  /** The Assertion Consumer Service: the connection's callback, HTTP-POST. */
  acsUrl: string;
}

/** A posted SAMLResponse larger than this is refused before it is decoded (a real one is a few KB). */
export const MAX_SAML_RESPONSE_CHARS = 256_000;
/** Clock skew allowed on NotBefore / NotOnOrAfter. */
const CLOCK_SKEW_MS = 60_000;
/** An assertion older than this is refused even if its NotOnOrAfter says otherwise. */
const MAX_ASSERTION_AGE_MS = 5 * 60_000;

const NS = { saml: "urn:oasis:names:tc:SAML:2.0:assertion", samlp: "urn:oasis:names:tc:SAML:2.0:protocol" };
const select = xpath.useNamespaces(NS);

/** A SAML AuthnRequest ID: an xs:ID must not start with a digit (Core §1.3.4). */
export const newSamlRequestId = () => `_${crypto.randomBytes(20).toString("hex")}`;

/** InResponseTo is checked against the one request this browser started (not a shared cache). */
function onlyRequest(requestId: string | null): CacheProvider {
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (requestId !== null && key === requestId ? new Date().toISOString() : null),
    removeAsync: async () => null,
  };
}

function samlClient(c: ConnectionWithSecret, s: SamlSettings, sp: ServiceProvider, requestId: string | null): SAML {
  return new SAML({
    entryPoint: s.ssoUrl,
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    audience: sp.entityId,
    idpCert: s.idpCertificates.map(certificatePem),
    idpIssuer: s.idpEntityId,
    // The connection's own key: signs the request when asked, decrypts encrypted assertions.
    privateKey: s.signAuthnRequests && c.clientSecret ? c.clientSecret : undefined,
    decryptionPvk: c.clientSecret ?? undefined,
    signatureAlgorithm: "sha256",
    // Profiles §4.1.3.5: the assertion must be signed; a signed response around an unsigned assertion is not enough.
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    identifierFormat: s.nameIdFormat === "unspecified" ? null : NAME_ID_FORMATS[s.nameIdFormat],
    disableRequestedAuthnContext: true,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: 10 * 60_000,
    cacheProvider: onlyRequest(requestId),
    generateUniqueId: () => requestId ?? newSamlRequestId(),
  });
}

function settingsOf(c: ConnectionWithSecret): SamlSettings {
  if (c.settings.protocol !== "saml") throw new Error(`connection ${c.slug} is not a SAML connection`);
  return c.settings;
}

/** The URL the browser is sent to: the AuthnRequest (deflated, signed when configured) and the RelayState. */
export async function samlAuthorizationUrl(c: ConnectionWithSecret, sp: ServiceProvider, input: { requestId: string; relayState: string }): Promise<string> {
  return samlClient(c, settingsOf(c), sp, input.requestId).getAuthorizeUrlAsync(input.relayState, undefined, {});
}

/** The service provider's metadata (Metadata §2.4.4): what the identity provider's administrator imports. */
export function serviceProviderMetadata(c: ConnectionWithSecret, sp: ServiceProvider): string {
  const s = settingsOf(c);
  const cert = s.spCertificate ? certificatePem(s.spCertificate) : null;
  return samlClient(c, s, sp, null).generateServiceProviderMetadata(cert, s.signAuthnRequests ? cert : null);
}

export interface SamlAssertionFacts {
  /** The assertion's ID and its issuer: the pair a replay is recognised by. */
  id: string;
  issuer: string;
  /** Until when it could be presented (its replay record lives as long). */
  notOnOrAfter: Date;
}

/**
 * The posted Response checked and read into an identity: signed by one of the connection's
 * certificates, issued by its entity, for this service provider, answering `requestId`, in time.
 */
export async function redeemSamlResponse(
  c: ConnectionWithSecret,
  sp: ServiceProvider,
  input: { samlResponse: string; requestId: string },
): Promise<{ identity: UpstreamIdentity; assertion: SamlAssertionFacts }> {
  const s = settingsOf(c);
  const xml = decodeResponse(input.samlResponse, c.name);
  const response = parseXml(xml, c.name);
  // Bindings §3.5.5.2: a Destination names this endpoint.
  const destination = response.documentElement?.getAttribute("Destination");
  if (destination && destination !== sp.acsUrl) throw samlError("saml_audience", c.name);
  const encrypted = (select("count(/samlp:Response/saml:EncryptedAssertion)", response) as number) > 0;
  if (s.requireEncryptedAssertions && !encrypted) throw samlError("invalid_response", c.name);
  if (encrypted && !encryptionAccepted(response, s)) throw samlError("saml_signature", c.name);

  let profile: Profile | null;
  try {
    profile = (await samlClient(c, s, sp, input.requestId).validatePostResponseAsync({ SAMLResponse: input.samlResponse })).profile;
  } catch (e) {
    // Before its signature is checked, an encrypted assertion that fails for any reason fails with
    // one answer: telling a padding or parse failure from a missing signature would be an oracle
    // on the ciphertext (Jager and Somorovsky, "How to break XML Encryption").
    const code = classify(e);
    throw samlError(encrypted && !SIGNED_FAILURES.has(code) ? "saml_signature" : code, c.name);
  }
  if (!profile) throw samlError("invalid_response", c.name);

  // What was verified (the signed, decrypted assertion), not the envelope around it.
  const assertion = parseXml(profile.getAssertionXml?.() ?? "", c.name);
  const facts = assertionFacts(assertion, sp, input.requestId, c.name);
  if (facts.issuer !== s.idpEntityId) throw samlError("saml_issuer", c.name);

  const claims = claimsOf(profile);
  const mapped = mapUpstreamClaims(claims, s.claimMapping, "saml");
  // A transient NameID changes at every sign-in: it cannot name an account unless an attribute does.
  const subjectIsNameId = (s.claimMapping.subject ?? "nameID") === "nameID";
  if (!mapped.subject || (subjectIsNameId && profile.nameIDFormat === "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")) {
    throw new FederationError("invalid_response", `${c.name} did not send a lasting identifier for you. Ask its administrator to send a persistent NameID.`);
  }
  return {
    identity: {
      subject: mapped.subject,
      email: mapped.email,
      // SAML has no email_verified: an address the IdP asserts is its directory's own, unless a
      // mapped attribute says otherwise. Linking on it still needs the connection to be trusted.
      emailVerified: mapped.email !== null && (s.claimMapping.email_verified ? mapped.emailVerified : true),
      profile: mapped.profile,
      amr: ["fed", ...amrOf(assertion)],
      tokens: { accessToken: "", refreshToken: null, idToken: null, expiresAt: null },
    },
    assertion: facts,
  };
}

function decodeResponse(samlResponse: string, name: string): string {
  if (samlResponse.length === 0 || samlResponse.length > MAX_SAML_RESPONSE_CHARS || !/^[A-Za-z0-9+/=\r\n]+$/.test(samlResponse)) {
    throw samlError("invalid_response", name);
  }
  const xml = Buffer.from(samlResponse, "base64").toString("utf8");
  // A protocol message has no DTD (Core §1.3): refusing one keeps entity expansion out of the parser.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw samlError("invalid_response", name);
  return xml;
}

function parseXml(xml: string, name: string): Document {
  let failed = false;
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: () => (failed = true), fatalError: () => (failed = true) } }).parseFromString(xml, "text/xml");
  if (failed || !doc.documentElement) throw samlError("invalid_response", name);
  return doc as unknown as Document;
}

/**
 * ID and Issuer, and a bearer confirmation for this exchange, read from the signed assertion
 * (Profiles §4.1.4.2): its Recipient is this ACS, its InResponseTo our request's ID (the Response's
 * own InResponseTo is outside the signature when only the assertion is signed: an unsolicited
 * assertion must not be able to borrow it) and its NotOnOrAfter still ahead.
 */
function assertionFacts(doc: Document, sp: ServiceProvider, requestId: string, name: string): SamlAssertionFacts {
  const root = doc.documentElement;
  const id = root.getAttribute("ID");
  const issuer = (select("string(/saml:Assertion/saml:Issuer)", doc) as string).trim();
  if (!id || id.length > 256 || !issuer) throw samlError("invalid_response", name);
  const confirmations = select("/saml:Assertion/saml:Subject/saml:SubjectConfirmation[@Method='urn:oasis:names:tc:SAML:2.0:cm:bearer']/saml:SubjectConfirmationData", doc) as Element[];
  const forThisAcs = confirmations.filter((e) => e.getAttribute("Recipient") === sp.acsUrl);
  if (forThisAcs.length === 0) throw samlError("saml_audience", name);
  const answering = forThisAcs.filter((e) => e.getAttribute("InResponseTo") === requestId);
  if (answering.length === 0) throw samlError("saml_replayed", name);
  const now = Date.now();
  if (!answering.some((e) => Date.parse(e.getAttribute("NotOnOrAfter") ?? "") + CLOCK_SKEW_MS > now)) throw samlError("saml_expired", name);
  // The replay record outlives every moment the assertion could still be accepted.
  const ends = [
    ...confirmations.map((e) => e.getAttribute("NotOnOrAfter")),
    select("string(/saml:Assertion/saml:Conditions/@NotOnOrAfter)", doc) as string,
  ].flatMap((v) => (v ? [Date.parse(v)] : [])).filter(Number.isFinite);
  const issued = Date.parse(root.getAttribute("IssueInstant") ?? "");
  const notOnOrAfter = new Date(Math.max(...ends, Number.isFinite(issued) ? issued + MAX_ASSERTION_AGE_MS : 0, now + MAX_ASSERTION_AGE_MS) + CLOCK_SKEW_MS);
  return { id, issuer, notOnOrAfter };
}

const XMLENC = "http://www.w3.org/2001/04/xmlenc#";
const XMLENC11 = "http://www.w3.org/2009/xmlenc11#";
const GCM = new Set([`${XMLENC11}aes128-gcm`, `${XMLENC11}aes256-gcm`]);
const CBC = new Set([`${XMLENC}aes128-cbc`, `${XMLENC}aes256-cbc`]);
const KEY_TRANSPORT = new Set([`${XMLENC}rsa-oaep-mgf1p`, `${XMLENC11}rsa-oaep`]);

/** Every EncryptedData's algorithm GCM (or CBC where the connection allows it), every key wrapped with RSA-OAEP (never PKCS #1 v1.5). */
function encryptionAccepted(response: Document, s: SamlSettings): boolean {
  const data = xpath.select("//*[local-name()='EncryptedData']/*[local-name()='EncryptionMethod']/@Algorithm", response) as Attr[];
  const keys = xpath.select("//*[local-name()='EncryptedKey']/*[local-name()='EncryptionMethod']/@Algorithm", response) as Attr[];
  return (
    data.length > 0 &&
    keys.length > 0 &&
    data.every((a) => GCM.has(a.value) || (s.allowCbcEncryption && CBC.has(a.value))) &&
    keys.every((a) => KEY_TRANSPORT.has(a.value))
  );
}

/** The NameID and the attributes, one value each (the first), for the claim mapping. */
function claimsOf(profile: Profile): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(attributes)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string") claims[key] = first;
  }
  for (const [field, names] of Object.entries(ATTRIBUTE_ALIASES)) {
    if (claims[field] !== undefined) continue;
    const found = names.find((n) => typeof claims[n] === "string");
    if (found) claims[field] = claims[found];
  }
  if (claims.email === undefined && profile.nameIDFormat === NAME_ID_FORMATS.emailAddress) claims.email = profile.nameID;
  claims.nameID = profile.nameID;
  return claims;
}

/** Where the common identity providers put each profile field (Entra ID's claim URIs, LDAP's OIDs, plain names). */
const ATTRIBUTE_ALIASES: Record<string, string[]> = {
  email: ["mail", "emailAddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "urn:oid:0.9.2342.19200300.100.1.3"],
  name: ["displayName", "http://schemas.microsoft.com/identity/claims/displayname", "urn:oid:2.16.840.1.113730.3.1.241"],
  given_name: ["givenName", "firstName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "urn:oid:2.5.4.42"],
  family_name: ["sn", "surname", "lastName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "urn:oid:2.5.4.4"],
};

/** RFC 8176 values for the authentication context classes the identity provider may report (SAML Authn Context §3.4); any other class gives none. */
const AMR_BY_CONTEXT_CLASS: Record<string, string[]> = {
  "urn:oasis:names:tc:SAML:2.0:ac:classes:Password": ["pwd"],
  "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport": ["pwd"],
  "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken": ["otp"],
  "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract": ["mfa"],
  "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered": ["mfa"],
  "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard": ["sc"],
  "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI": ["sc", "mfa"],
  "urn:oasis:names:tc:SAML:2.0:ac:classes:X509": ["swk"],
  "http://schemas.microsoft.com/claims/multipleauthn": ["mfa"],
};

function amrOf(doc: Document): string[] {
  const ref = (select("string(/saml:Assertion/saml:AuthnStatement/saml:AuthnContext/saml:AuthnContextClassRef)", doc) as string).trim();
  return AMR_BY_CONTEXT_CLASS[ref] ?? [];
}

/** Failures node-saml reaches only after the assertion's signature verified (not an oracle on a ciphertext). */
const SIGNED_FAILURES: ReadonlySet<string> = new Set(["saml_issuer", "saml_audience", "saml_expired", "saml_replayed", "upstream_error"]);

type SamlErrorCode = "saml_signature" | "saml_issuer" | "saml_audience" | "saml_expired" | "saml_replayed" | "invalid_response" | "upstream_error";

/** node-saml's error, by its message, as what the person is told. */
function classify(e: unknown): SamlErrorCode {
  const message = e instanceof Error ? e.message : "";
  if (/signature|Cannot obtain assertion|multiple assertions|Invalid EncryptedAssertion|decrypt/i.test(message)) return "saml_signature";
  if (/Unexpected issuer|Missing SAML issuer/i.test(message)) return "saml_issuer";
  if (/audience/i.test(message)) return "saml_audience";
  // node-saml skips a bearer confirmation outside its window, then finds none valid.
  if (/expired|not yet valid|No valid subject confirmation/i.test(message)) return "saml_expired";
  if (/InResponseTo/i.test(message)) return "saml_replayed";
  if (/SAML provider returned/i.test(message)) return "upstream_error";
  return "invalid_response";
}

const SAML_MESSAGES: Record<SamlErrorCode, (name: string) => string> = {
  saml_signature: (n) => `The answer from ${n} was not signed by a key we trust, or was changed on the way.`,
  saml_issuer: (n) => `The answer did not come from ${n}.`,
  saml_audience: (n) => `The answer from ${n} was meant for another service.`,
  saml_expired: (n) => `The answer from ${n} has expired. Start again.`,
  saml_replayed: (n) => `This answer from ${n} was already used, or answers another sign-in. Start again.`,
  invalid_response: (n) => `We could not read the answer from ${n}.`,
  upstream_error: (n) => `${n} could not sign you in.`,
};

export function samlError(code: SamlErrorCode, name: string): FederationError {
  return new FederationError(code, SAML_MESSAGES[code](name));
}
