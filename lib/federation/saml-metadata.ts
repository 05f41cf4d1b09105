// A SAML 2.0 identity provider's metadata (OASIS SAML Metadata 2.0) read into a connection's IdP
// settings: its entityID (§2.3.2), the HTTP-Redirect SingleSignOnService of its IDPSSODescriptor
// (§2.4.3), the certificates it signs with (KeyDescriptor, §2.4.1.1) and whether it wants signed
// AuthnRequests. An administrator pastes the text, but it may come from anywhere: bounded in size,
// no document type declaration (so no entities to expand or fetch), and nothing it names is fetched.
import "server-only";
import { X509Certificate } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";
import xpath from "xpath";
import { samlSettingsSchema } from "./connection.schema";
import { MAX_METADATA_BYTES, METADATA_TOO_LARGE } from "./connection-form.schema";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
const HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

const select = xpath.useNamespaces({ md: MD, ds: DS });

/** What a connection keeps of the identity provider's metadata. */
export interface IdpMetadata {
  idpEntityId: string;
  /** Its SingleSignOnService for the HTTP-Redirect binding. */
  ssoUrl: string;
  /** Base64 DER, each once, in the metadata's order (more than one while it rolls its key over). */
  idpCertificates: string[];
  /** Its IDPSSODescriptor's WantAuthnRequestsSigned. */
  signAuthnRequests: boolean;
}

export type IdpMetadataResult = { ok: true; idp: IdpMetadata } | { ok: false; message: string };

/** Said whenever the text holds no identity provider, or more than one. */
export const ONE_IDP = "paste one identity provider's metadata";

const refuse = (message: string): { ok: false; message: string } => ({ ok: false, message });

/**
 * The identity provider's settings from its metadata, or why not (a sentence for the console's
 * field). Certificates past their validity are accepted: metadata vouches for the key, not for the
 * dates of the certificate around it (the SAML V2.0 Metadata Interoperability Profile's reading),
 * and an identity provider rolling its key over lists the old one beside the new. The console shows
 * each certificate's expiry instead (certificateSummary).
 */
export function parseIdpMetadata(xml: string): IdpMetadataResult {
  if (typeof xml !== "string" || xml.trim() === "") return refuse("Paste the identity provider's metadata XML.");
  if (Buffer.byteLength(xml, "utf8") > MAX_METADATA_BYTES) return refuse(METADATA_TOO_LARGE);
  // XML 1.0 §2.8: entities are declared in the document type declaration; refusing it refuses
  // external entities (XXE) and expansion bombs alike. SAML metadata never needs one.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return refuse("The metadata declares a DOCTYPE or entities: Portico refuses those (they can read files or expand without end). Paste the metadata without its DOCTYPE.");
  const parsed = parseXml(xml.replace(/^\uFEFF/, ""));
  if (!parsed.ok) return parsed;

  const entity = theIdentityProvider(parsed.document);
  if (!entity.ok) return entity;
  const idpEntityId = (entity.element.getAttribute("entityID") ?? "").trim();
  if (idpEntityId === "") return refuse("The EntityDescriptor has no entityID (SAML Metadata §2.3.2).");
  if (idpEntityId.length > 1024) return refuse("The entityID is longer than 1024 characters (SAML Metadata §2.3.2).");

  const descriptors = elements("md:IDPSSODescriptor", entity.element);
  if (descriptors.length === 0) return refuse(`This metadata describes no identity provider (no IDPSSODescriptor; a service provider's?): ${ONE_IDP}.`);
  // §2.4.1: protocolSupportEnumeration, a space-separated list of protocol URIs.
  const idp = descriptors.find((d) => (d.getAttribute("protocolSupportEnumeration") ?? "").split(/\s+/).includes(SAML2_PROTOCOL));
  if (!idp) return refuse(`The identity provider does not support SAML 2.0: its IDPSSODescriptor's protocolSupportEnumeration does not list ${SAML2_PROTOCOL}.`);

  const sso = signOnUrl(idp);
  if (!sso.ok) return sso;
  const certificates = signingCertificates(idp);
  if (!certificates.ok) return certificates;

  // xs:boolean: "true" or "1" (XML Schema Part 2 §3.2.2).
  const signAuthnRequests = ["true", "1"].includes((idp.getAttribute("WantAuthnRequestsSigned") ?? "").trim());
  // The schema the connection is stored with has the last word (lengths, the https rule).
  const settings = samlSettingsSchema.pick({ idpEntityId: true, ssoUrl: true, idpCertificates: true }).safeParse({ idpEntityId, ssoUrl: sso.url, idpCertificates: certificates.list });
  if (!settings.success) return refuse(settings.error.issues[0]!.message);
  return { ok: true, idp: { ...settings.data, signAuthnRequests } };
}

/** The document, or the parser's first complaint: xmldom reports (never throws) through the handler given. */
function parseXml(xml: string): { ok: true; document: Document } | { ok: false; message: string } {
  const problems: string[] = [];
  const report = (message: unknown) => problems.push(String(message));
  let document: Document | undefined;
  try {
    document = new DOMParser({ locator: {}, errorHandler: { warning: report, error: report, fatalError: report } }).parseFromString(xml, "application/xml");
  } catch (e) {
    report(e instanceof Error ? e.message : e);
  }
  if (problems.length) return refuse(`The metadata is not well-formed XML (${readable(problems[0]!)}).`);
  if (!document?.documentElement) return refuse("This is not XML: paste the metadata document itself (it begins with <EntityDescriptor or <md:EntityDescriptor).");
  return { ok: true, document };
}

/** xmldom's "[xmldom warning]\tunclosed xml attribute\n@#[line:3,col:5]" as "line 3, column 5: unclosed xml attribute". */
function readable(problem: string): string {
  const m = /^(?:\[xmldom \w+\]\t)?([\s\S]*?)(?:\n@#\[line:(\d+),col:(\d+)\])?$/.exec(problem.trim());
  const what = (m?.[1] ?? problem).replace(/\s+/g, " ").slice(0, 160);
  return m?.[2] ? `line ${m[2]}, column ${m[3]}: ${what}` : what;
}

/** The EntityDescriptor: the document itself, or the one identity provider among an EntitiesDescriptor's (§2.3.1). */
function theIdentityProvider(document: Document): { ok: true; element: Element } | { ok: false; message: string } {
  const root = document.documentElement;
  if (root.namespaceURI === MD && root.localName === "EntityDescriptor") return { ok: true, element: root };
  if (root.namespaceURI !== MD || root.localName !== "EntitiesDescriptor") {
    return refuse("This is not SAML 2.0 metadata: it must be an EntityDescriptor in the urn:oasis:names:tc:SAML:2.0:metadata namespace (SAML Metadata §2.3.2).");
  }
  // EntitiesDescriptors nest (§2.3.1): every identity provider at any depth counts.
  const idps = elements("//md:EntityDescriptor[md:IDPSSODescriptor]", document);
  if (idps.length === 1) return { ok: true, element: idps[0]! };
  return refuse(idps.length === 0 ? `This metadata describes no identity provider: ${ONE_IDP}.` : `This metadata describes ${idps.length} identity providers (a federation's?): ${ONE_IDP}.`);
}

/** The HTTP-Redirect SingleSignOnService (SAML Bindings §3.4): how Portico sends its AuthnRequest. */
function signOnUrl(idp: Element): { ok: true; url: string } | { ok: false; message: string } {
  const services = elements("md:SingleSignOnService", idp);
  const redirect = services.find((s) => s.getAttribute("Binding") === HTTP_REDIRECT);
  if (!redirect) {
    return refuse(
      services.some((s) => s.getAttribute("Binding") === HTTP_POST)
        ? "The identity provider offers sign-on over HTTP-POST only: Portico sends its requests with the HTTP-Redirect binding (SAML Bindings §3.4). Turn that binding on at the identity provider and paste its metadata again."
        : "The metadata names no SingleSignOnService with the HTTP-Redirect binding (SAML Bindings §3.4).",
    );
  }
  const url = (redirect.getAttribute("Location") ?? "").trim();
  if (!samlSettingsSchema.shape.ssoUrl.safeParse(url).success) return refuse(`The HTTP-Redirect sign-on URL is not an https:// URL: ${url.slice(0, 200) || "(empty)"}.`);
  return { ok: true, url };
}

/**
 * The certificates of its KeyDescriptors for signing: use="signing", or no use (both uses, §2.4.1.1);
 * use="encryption" ones are not for checking signatures. Each must be an X.509 certificate.
 */
function signingCertificates(idp: Element): { ok: true; list: string[] } | { ok: false; message: string } {
  const found = elements("md:KeyDescriptor[not(@use) or @use='signing']/ds:KeyInfo/ds:X509Data/ds:X509Certificate", idp).map((e) => (e.textContent ?? "").replace(/\s+/g, ""));
  const list = [...new Set(found)];
  if (list.length === 0) return refuse('The metadata names no signing certificate: a KeyDescriptor with use="signing" (or without use) holding a ds:X509Certificate (SAML Metadata §2.4.1.1).');
  if (list.length > 4) return refuse(`The metadata names ${list.length} signing certificates: at most 4.`);
  for (const [i, b64] of list.entries()) {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || !readCertificate(b64)) return refuse(`Signing certificate ${i + 1} in the metadata is not an X.509 certificate.`);
  }
  return { ok: true, list };
}

function readCertificate(base64: string): X509Certificate | null {
  try {
    return new X509Certificate(Buffer.from(base64, "base64"));
  } catch {
    return null;
  }
}

function elements(expression: string, node: Node): Element[] {
  const found = select(expression, node);
  return xpath.isArrayOfNodes(found) ? found.filter(xpath.isElement) : [];
}

// ---- What the console shows of a certificate ---------------------------------------------------

/** A certificate this close to its end is flagged on the connection's page. */
export const EXPIRY_WARNING_DAYS = 30;

export interface CertificateSummary {
  /** SHA-256 of the DER, colon-separated hex (what identity providers' consoles show as the thumbprint). */
  sha256Fingerprint: string;
  subject: string;
  validFrom: Date;
  validTo: Date;
  status: "valid" | "expiring" | "expired";
}

/** A base64 DER certificate's fingerprint and dates, or null when it does not parse. */
export function certificateSummary(base64: string, now: Date = new Date()): CertificateSummary | null {
  const cert = readCertificate(base64.replace(/\s+/g, ""));
  if (!cert) return null;
  // Node 20 has the dates as text only ("Dec  7 06:39:32 2036 GMT").
  const validTo = new Date(cert.validTo);
  const left = validTo.getTime() - now.getTime();
  return {
    sha256Fingerprint: cert.fingerprint256,
    subject: cert.subject.replace(/\n/g, ", "),
    validFrom: new Date(cert.validFrom),
    validTo,
    status: left <= 0 ? "expired" : left <= EXPIRY_WARNING_DAYS * 86_400_000 ? "expiring" : "valid",
  };
}
