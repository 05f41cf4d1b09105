// A SAML 2.0 Response as an identity provider sends it over the HTTP-POST binding: real XML
// signatures (xml-crypto, the library node-saml verifies with) and real XML encryption
// (xml-encryption, the one it decrypts with), every field overridable so tests can build the
// responses a service provider must refuse. SAML Core §2.3.3 (Assertion), §3.2.2 (Response),
// Profiles §4.1.4.2 (the Web Browser SSO response's rules).
import { SignedXml } from "xml-crypto";
import xmlenc from "xml-encryption";
import { certificatePem } from "@/lib/crypto/self-signed-certificate";
import { escapeAttribute as attr, escapeText as text, NS, samlId, samlInstant } from "./saml-xml";

export const NAME_ID_FORMAT = {
  emailAddress: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
  unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
} as const;

/** Top-level and second-level status codes (SAML Core §3.2.2.2). */
export const STATUS = {
  success: "urn:oasis:names:tc:SAML:2.0:status:Success",
  requester: "urn:oasis:names:tc:SAML:2.0:status:Requester",
  responder: "urn:oasis:names:tc:SAML:2.0:status:Responder",
  authnFailed: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
  requestDenied: "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
  noPassive: "urn:oasis:names:tc:SAML:2.0:status:NoPassive",
} as const;

const PASSWORD_PROTECTED_TRANSPORT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

/** A key and its certificate (base64 DER), the shape selfSignedCertificate returns. */
export interface SamlSigningKey {
  privateKeyPem: string;
  certificateBase64: string;
}

/** What carries a signature: the Assertion, the Response around it, both, or neither. */
export type SamlSignedPart = "assertion" | "response" | "both" | "none";

/** Content encryption for an EncryptedAssertion; all three are ones node-saml 5.1.0 (xml-encryption 3.1.0) decrypts. */
export type SamlContentEncryption = "aes256-gcm" | "aes128-gcm" | "aes256-cbc";

const CONTENT_ENCRYPTION = {
  "aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm",
  "aes128-gcm": "http://www.w3.org/2009/xmlenc11#aes128-gcm",
  "aes256-cbc": "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
} as const;

export interface SamlResponseOptions {
  /** The IdP's entityID: the Issuer of the Response and of the Assertion. */
  issuer: string;
  /** The Assertion's Issuer alone, when it should differ from the Response's. */
  assertionIssuer?: string;
  /** What signs: the IdP's key, or one the SP does not trust. */
  signingKey: SamlSigningKey;
  /** The SP's Assertion Consumer Service URL: the Response's Destination (Bindings §3.5.5.2). */
  destination: string;
  /** The bearer confirmation's Recipient; default `destination` (Profiles §4.1.4.2). */
  recipient?: string;
  /** The one Audience: the SP's entityID. */
  audience: string;
  /** The AuthnRequest's ID, on the Response and the SubjectConfirmationData; absent for an IdP-initiated response. */
  inResponseTo?: string;
  nameId: string;
  /** Default emailAddress. */
  nameIdFormat?: string;
  /** One saml:Attribute each; an array is a multi-valued attribute. */
  attributes?: Record<string, string | string[]>;
  /** Default a fresh ID. */
  responseId?: string;
  /** Default a fresh ID; a test replays an assertion by giving one already used. */
  assertionId?: string;
  sessionIndex?: string;
  /** The clock: IssueInstant and AuthnInstant, and the start of the windows below. */
  now?: Date;
  /** Conditions/@NotBefore; default `now`. */
  notBefore?: Date;
  /** Conditions/@NotOnOrAfter; default five minutes after `now`. */
  notOnOrAfter?: Date;
  /** SubjectConfirmationData/@NotOnOrAfter; default the Conditions' one. */
  subjectNotOnOrAfter?: Date;
  /** Default Success. Any other status carries no assertion (SAML Core §3.2.2). */
  statusCode?: string;
  statusSubCode?: string;
  statusMessage?: string;
  /** Default "assertion". RSA-SHA256, SHA-256 digests, exclusive c14n, enveloped. */
  sign?: SamlSignedPart;
  /** An SP certificate (base64 DER): the signed assertion is encrypted to it as a saml:EncryptedAssertion. */
  encryptFor?: string;
  /** Default aes256-gcm. */
  encryption?: SamlContentEncryption;
}

/**
 * The base64 of a samlp:Response (what the HTTP-POST binding's SAMLResponse field carries).
 * Async only because xml-encryption's encrypt is; without `encryptFor` nothing waits on I/O.
 */
export async function buildSamlResponse(opts: SamlResponseOptions): Promise<string> {
  return Buffer.from(await buildSamlResponseXml(opts), "utf8").toString("base64");
}

/** The same response as XML text. */
export async function buildSamlResponseXml(opts: SamlResponseOptions): Promise<string> {
  const now = opts.now ?? new Date();
  const sign = opts.sign ?? "assertion";
  const success = (opts.statusCode ?? STATUS.success) === STATUS.success;
  let assertion = "";
  if (success) {
    assertion = assertionXml(opts, now);
    if (sign === "assertion" || sign === "both") assertion = signEnveloped(assertion, opts.signingKey);
    if (opts.encryptFor) assertion = await encryptAssertion(assertion, opts.encryptFor, opts.encryption ?? "aes256-gcm");
  }
  const response = responseXml(opts, now, assertion);
  return sign === "response" || sign === "both" ? signEnveloped(response, opts.signingKey) : response;
}

function responseXml(opts: SamlResponseOptions, now: Date, assertion: string): string {
  const subCode = opts.statusSubCode ? `<samlp:StatusCode Value="${attr(opts.statusSubCode)}"/>` : "";
  const message = opts.statusMessage ? `<samlp:StatusMessage>${text(opts.statusMessage)}</samlp:StatusMessage>` : "";
  return (
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${attr(opts.responseId ?? samlId())}" Version="2.0"` +
    ` IssueInstant="${samlInstant(now)}" Destination="${attr(opts.destination)}"` +
    (opts.inResponseTo ? ` InResponseTo="${attr(opts.inResponseTo)}"` : "") +
    ">" +
    `<saml:Issuer>${text(opts.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${attr(opts.statusCode ?? STATUS.success)}">${subCode}</samlp:StatusCode>${message}</samlp:Status>` +
    assertion +
    "</samlp:Response>"
  );
}

function assertionXml(opts: SamlResponseOptions, now: Date): string {
  const notOnOrAfter = opts.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  // Profiles §4.1.4.2: a bearer confirmation names the Recipient, a NotOnOrAfter and the request it answers, never a NotBefore.
  const confirmation =
    `<saml:SubjectConfirmationData` +
    (opts.inResponseTo ? ` InResponseTo="${attr(opts.inResponseTo)}"` : "") +
    ` NotOnOrAfter="${samlInstant(opts.subjectNotOnOrAfter ?? notOnOrAfter)}" Recipient="${attr(opts.recipient ?? opts.destination)}"/>`;
  return (
    `<saml:Assertion xmlns:saml="${NS.assertion}" xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}" ID="${attr(opts.assertionId ?? samlId())}" Version="2.0" IssueInstant="${samlInstant(now)}">` +
    `<saml:Issuer>${text(opts.assertionIssuer ?? opts.issuer)}</saml:Issuer>` +
    `<saml:Subject>` +
    `<saml:NameID Format="${attr(opts.nameIdFormat ?? NAME_ID_FORMAT.emailAddress)}">${text(opts.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">${confirmation}</saml:SubjectConfirmation>` +
    `</saml:Subject>` +
    `<saml:Conditions NotBefore="${samlInstant(opts.notBefore ?? now)}" NotOnOrAfter="${samlInstant(notOnOrAfter)}">` +
    `<saml:AudienceRestriction><saml:Audience>${text(opts.audience)}</saml:Audience></saml:AudienceRestriction>` +
    `</saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${samlInstant(now)}" SessionIndex="${attr(opts.sessionIndex ?? samlId())}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>${PASSWORD_PROTECTED_TRANSPORT}</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    attributeStatementXml(opts.attributes ?? {}) +
    "</saml:Assertion>"
  );
}

/** SAML Core §2.7.3: at least one Attribute, or no statement at all. */
function attributeStatementXml(attributes: Record<string, string | string[]>): string {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return "";
  const one = ([name, value]: [string, string | string[]]) => {
    const nameFormat = /^(urn|https?):/.test(name) ? "urn:oasis:names:tc:SAML:2.0:attrname-format:uri" : "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";
    const values = (Array.isArray(value) ? value : [value]).map((v) => `<saml:AttributeValue xsi:type="xs:string">${text(v)}</saml:AttributeValue>`).join("");
    return `<saml:Attribute Name="${attr(name)}" NameFormat="${nameFormat}">${values}</saml:Attribute>`;
  };
  return `<saml:AttributeStatement>${entries.map(one).join("")}</saml:AttributeStatement>`;
}

/**
 * An enveloped signature over the root element, referenced by its ID, placed right after its
 * Issuer as the schema orders it (SAML Core §5.4.1-§5.4.4: exclusive c14n, one Reference whose
 * URI is the element's ID, the enveloped-signature and exc-c14n transforms only).
 */
export function signEnveloped(xml: string, key: SamlSigningKey): string {
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: certificatePem(key.certificateBase64), // published as KeyInfo/X509Data/X509Certificate
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
  });
  sig.addReference({
    xpath: "/*",
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
  });
  sig.computeSignature(xml, {
    prefix: "ds",
    location: { reference: `/*/*[local-name(.)='Issuer' and namespace-uri(.)='${NS.assertion}']`, action: "after" },
  });
  return sig.getSignedXml();
}

/**
 * SAML Core §2.3.4 / §6: the signed assertion as xenc:EncryptedData inside saml:EncryptedAssertion.
 * The content key travels as rsa-oaep-mgf1p with SHA-1, the one OAEP digest every SP reads
 * (xml-encryption marks others with a non-standard URI).
 */
async function encryptAssertion(assertion: string, certificateBase64: string, encryption: SamlContentEncryption): Promise<string> {
  const pem = certificatePem(certificateBase64);
  const encrypted = await new Promise<string>((resolve, reject) =>
    xmlenc.encrypt(
      assertion,
      { rsa_pub: pem, pem, encryptionAlgorithm: CONTENT_ENCRYPTION[encryption], keyEncryptionAlgorithm: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", disallowEncryptionWithInsecureAlgorithm: true },
      (err, result) => (err ? reject(err) : resolve(result)),
    ),
  );
  return `<saml:EncryptedAssertion>${encrypted.trim()}</saml:EncryptedAssertion>`;
}
