// A SAML 2.0 identity provider on a random localhost port (or the given one), standing in for an
// enterprise IdP (Okta, Entra ID, ADFS, Shibboleth) in Portico's SAML tests: it publishes its
// metadata, takes an AuthnRequest over HTTP-Redirect (or HTTP-POST), signs the preset user in at
// once and answers with a really signed (and, given the SP's certificate, really encrypted)
// Response through an auto-posting form, as Web Browser SSO does (SAML Profiles §4.1).
// The response builder and the attacks live beside it and are re-exported here.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { SignedXml } from "xml-crypto";
import { certificatePem, selfSignedCertificate } from "@/lib/crypto/self-signed-certificate";
import { buildSamlResponse, NAME_ID_FORMAT, STATUS, type SamlResponseOptions, type SamlSigningKey } from "./saml-response";
import { escapeAttribute, NS, parseXml, selectElement, selectElements } from "./saml-xml";

export * from "./saml-response";
export * from "./saml-tamper";

const BINDING = {
  redirect: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
  post: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
} as const;

/** The query-string signature algorithms of the HTTP-Redirect binding (Bindings §3.4.4.1). */
const REDIRECT_SIG_ALGS: Record<string, string> = {
  "http://www.w3.org/2000/09/xmldsig#rsa-sha1": "sha1",
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": "sha256",
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": "sha512",
};

export interface SamlIdpUser {
  nameId: string;
  /** Default emailAddress. */
  nameIdFormat?: string;
  /** Released as the AttributeStatement; an array is a multi-valued attribute. */
  attributes: Record<string, string | string[]>;
}

/** What the IdP read from an AuthnRequest it received (SAML Core §3.4.1). */
export interface AuthnRequestSeen {
  binding: "HTTP-Redirect" | "HTTP-POST";
  id: string;
  issuer: string | null;
  acsUrl: string | null;
  destination: string | null;
  nameIdPolicyFormat: string | null;
  forceAuthn: boolean;
  isPassive: boolean;
  relayState: string | null;
  /** A Signature came with it: the query's (Redirect) or an enveloped ds:Signature (POST). */
  signed: boolean;
  /** That signature verified against one of spCertificates.signing. */
  signatureVerified: boolean;
  xml: string;
}

export interface SamlIdpMetadataOptions {
  /** IDPSSODescriptor/@WantAuthnRequestsSigned; default requireSignedRequests. */
  wantAuthnRequestsSigned?: boolean;
  /** More signing certificates beside the current one (a key rollover: base64 DER). */
  extraSigningCertificates?: string[];
}

export interface SamlIdp {
  /** http://127.0.0.1:port */
  url: string;
  /** Its entityID (also the metadata's URL): the Issuer of what it sends. */
  entityId: string;
  /** The SingleSignOnService, both bindings. */
  ssoUrl: string;
  metadataUrl: string;
  /** The certificate it signs with, base64 DER: what the SP trusts. */
  certificateBase64: string;
  /** Its key and certificate, to build IdP-initiated or replayed responses with buildSamlResponse. */
  signingKey: SamlSigningKey;
  /** The account the next sign-in answers for. */
  user: SamlIdpUser;
  /** Set by the test: the SP certificates (base64 DER) its requests' signatures are checked with, and the one assertions are encrypted to. */
  spCertificates: { signing: string[]; encryption: string | null };
  /** Refuse a request whose signature does not verify: the answer is Requester/RequestDenied. */
  requireSignedRequests: boolean;
  /** Applied to every response it sends (a wrong audience, an expired window, an untrusted key, a failure status...). */
  responseOverrides: Partial<SamlResponseOptions>;
  /** The AuthnRequests received, oldest first. */
  requests: AuthnRequestSeen[];
  metadataXml(opts?: SamlIdpMetadataOptions): string;
  /** The base64 SAMLResponse it would send to `acsUrl` for `audience` now: its key, its user, responseOverrides, then `overrides`. */
  responseFor(to: { acsUrl: string; audience: string; inResponseTo?: string }, overrides?: Partial<SamlResponseOptions>): Promise<string>;
  close(): Promise<void>;
}

export async function startSamlIdp(opts: { port?: number; user: SamlIdpUser }): Promise<SamlIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = selfSignedCertificate("saml-idp.stand-in");
  const idp: SamlIdp = {
    url,
    entityId: `${url}/metadata`,
    ssoUrl: `${url}/sso`,
    metadataUrl: `${url}/metadata`,
    certificateBase64: key.certificateBase64,
    signingKey: key,
    user: opts.user,
    spCertificates: { signing: [], encryption: null },
    requireSignedRequests: false,
    responseOverrides: {},
    requests: [],
    metadataXml: (m = {}) => metadataXml(idp, m),
    responseFor: (to, overrides = {}) =>
      buildSamlResponse({
        issuer: idp.entityId,
        signingKey: idp.signingKey,
        destination: to.acsUrl,
        audience: to.audience,
        inResponseTo: to.inResponseTo,
        nameId: idp.user.nameId,
        nameIdFormat: idp.user.nameIdFormat,
        attributes: idp.user.attributes,
        encryptFor: idp.spCertificates.encryption ?? undefined,
        ...idp.responseOverrides,
        ...overrides,
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  async function sso(req: http.IncomingMessage, rawQuery: string, body: string, res: http.ServerResponse) {
    const binding = req.method === "GET" ? "HTTP-Redirect" : "HTTP-POST";
    const params = new URLSearchParams(binding === "HTTP-Redirect" ? rawQuery : body);
    const encoded = params.get("SAMLRequest");
    if (!encoded) return plain(res, 400, "SAMLRequest is missing.");
    let xml: string;
    let request: ReturnType<typeof readAuthnRequest>;
    try {
      // Bindings §3.4.4.1: DEFLATE (raw, RFC 1951) then base64 over Redirect; §3.5.4: base64 alone over POST.
      const bytes = Buffer.from(encoded, "base64");
      xml = (binding === "HTTP-Redirect" ? zlib.inflateRawSync(bytes, { maxOutputLength: 256 * 1024 }) : bytes).toString("utf8");
      request = readAuthnRequest(xml);
    } catch (e) {
      return plain(res, 400, `Not an AuthnRequest: ${(e as Error).message}`);
    }
    const certificates = idp.spCertificates.signing;
    const signed = binding === "HTTP-Redirect" ? params.has("Signature") : request.signature !== null;
    const signatureVerified = signed && (binding === "HTTP-Redirect" ? verifyRedirectSignature(rawQuery, params, certificates) : verifyEnvelopedSignature(xml, request.root, certificates));
    const relayState = params.get("RelayState");
    const { root: _root, signature: _signature, ...facts } = request;
    idp.requests.push({ binding, ...facts, relayState, signed, signatureVerified, xml });

    // Without SP metadata the request's own ACS URL and Issuer are all it has to answer to.
    if (!request.acsUrl) return plain(res, 400, "The AuthnRequest names no AssertionConsumerServiceURL (this stand-in keeps no SP metadata).");
    if (!request.issuer) return plain(res, 400, "The AuthnRequest names no Issuer.");
    const refusal: Partial<SamlResponseOptions> =
      idp.requireSignedRequests && !signatureVerified ? { statusCode: STATUS.requester, statusSubCode: STATUS.requestDenied, statusMessage: "The AuthnRequest is not signed by a key this IdP knows." } : {};
    const samlResponse = await idp.responseFor({ acsUrl: request.acsUrl, audience: request.issuer, inResponseTo: request.id }, refusal);
    autoPost(res, request.acsUrl, { SAMLResponse: samlResponse, ...(relayState !== null ? { RelayState: relayState } : {}) });
  }

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const [path = "/", rawQuery = ""] = (req.url ?? "/").split(/\?(.*)/s);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (path === "/sso" && (req.method === "GET" || req.method === "POST")) {
        sso(req, rawQuery, Buffer.concat(chunks).toString("utf8"), res).catch((e: Error) => {
          if (!res.headersSent) plain(res, 500, e.message);
        });
        return;
      }
      if (path === "/metadata" && req.method === "GET") {
        return res.writeHead(200, { "content-type": "application/samlmetadata+xml" }).end(idp.metadataXml());
      }
      plain(res, 404, "Not found.");
    });
  });
  return idp;
}

/** SAML Metadata §2.4.3: an IDPSSODescriptor with its signing key, NameID formats and both SSO bindings. */
function metadataXml(idp: SamlIdp, opts: SamlIdpMetadataOptions): string {
  const keys = [idp.certificateBase64, ...(opts.extraSigningCertificates ?? [])]
    .map((c) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${c.replace(/\s+/g, "")}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
    .join("");
  const sso = escapeAttribute(idp.ssoUrl);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.ds}" entityID="${escapeAttribute(idp.entityId)}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="${opts.wantAuthnRequestsSigned ?? idp.requireSignedRequests}" protocolSupportEnumeration="${NS.protocol}">` +
    keys +
    `<md:NameIDFormat>${NAME_ID_FORMAT.emailAddress}</md:NameIDFormat>` +
    `<md:NameIDFormat>${NAME_ID_FORMAT.persistent}</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="${BINDING.redirect}" Location="${sso}"/>` +
    `<md:SingleSignOnService Binding="${BINDING.post}" Location="${sso}"/>` +
    `</md:IDPSSODescriptor>` +
    `</md:EntityDescriptor>`
  );
}

function readAuthnRequest(xml: string) {
  const root = parseXml(xml).documentElement;
  if (root.localName !== "AuthnRequest" || root.namespaceURI !== NS.protocol) throw new Error(`the root is ${root.nodeName}`);
  const id = root.getAttribute("ID");
  if (!id) throw new Error("no ID");
  return {
    root,
    id,
    issuer: selectElement("saml:Issuer", root)?.textContent?.trim() || null,
    acsUrl: root.getAttribute("AssertionConsumerServiceURL") || null,
    destination: root.getAttribute("Destination") || null,
    nameIdPolicyFormat: selectElement("samlp:NameIDPolicy", root)?.getAttribute("Format") || null,
    forceAuthn: root.getAttribute("ForceAuthn") === "true",
    isPassive: root.getAttribute("IsPassive") === "true",
    signature: selectElement("ds:Signature", root),
  };
}

/**
 * Bindings §3.4.4.1: the signature covers "SAMLRequest=…&RelayState=…&SigAlg=…" exactly as the
 * values were URL-encoded in the query received, not re-encoded: a strict IdP, like real ones.
 */
function verifyRedirectSignature(rawQuery: string, params: URLSearchParams, certificates: string[]): boolean {
  const hash = REDIRECT_SIG_ALGS[params.get("SigAlg") ?? ""];
  if (!hash) return false;
  const pairs = rawQuery.split("&");
  const signedOctets = ["SAMLRequest", "RelayState", "SigAlg"]
    .map((name) => pairs.find((p) => p.startsWith(`${name}=`)))
    .filter((p) => p !== undefined)
    .join("&");
  const signature = Buffer.from(params.get("Signature") ?? "", "base64");
  return certificates.some((c) => crypto.verify(hash, Buffer.from(signedOctets, "utf8"), certificatePem(c), signature));
}

/** An enveloped ds:Signature over the request's root, its one Reference naming the root's ID (SAML Core §5.4.2). */
function verifyEnvelopedSignature(xml: string, root: Element, certificates: string[]): boolean {
  const signature = selectElement("ds:Signature", root);
  const id = root.getAttribute("ID");
  if (!signature || !id || selectElements(`//*[@ID="${id.replace(/"/g, "")}"]`, root.ownerDocument).length !== 1) return false;
  return certificates.some((c) => {
    const sig = new SignedXml({ publicCert: certificatePem(c) });
    sig.loadSignature(signature);
    const refs = sig.getReferences();
    if (refs.length !== 1 || refs[0]!.uri.replace(/^#/, "") !== id) return false;
    try {
      return sig.checkSignature(xml);
    } catch {
      return false;
    }
  });
}

/**
 * Bindings §3.5.4: an HTML form that posts the response to the ACS at once; the button serves a
 * browser without scripts. The IdP's own page: no CSP, so its inline script runs. §3.5.5.1: not cached.
 */
function autoPost(res: http.ServerResponse, action: string, fields: Record<string, string>) {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeAttribute(value)}">`)
    .join("");
  const html =
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Signing you in</title></head><body>` +
    `<form method="post" action="${escapeAttribute(action)}">${inputs}` +
    `<noscript><p>Scripts are off: press Continue to finish signing in.</p></noscript><button type="submit">Continue</button></form>` +
    `<script>document.forms[0].submit();</script></body></html>`;
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache, no-store", pragma: "no-cache" }).end(html);
}

function plain(res: http.ServerResponse, status: number, message: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(message);
}
