// The XML plumbing the SAML stand-in shares: namespaces, escaping for hand-written markup, a strict
// parser (a malformed document is an error, never a half-read tree) and namespace-aware selection.
import crypto from "node:crypto";
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import xpath from "xpath";

export const NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  metadata: "urn:oasis:names:tc:SAML:2.0:metadata",
  ds: "http://www.w3.org/2000/09/xmldsig#",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
  xs: "http://www.w3.org/2001/XMLSchema",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
} as const;

const select = xpath.useNamespaces({ samlp: NS.protocol, saml: NS.assertion, md: NS.metadata, ds: NS.ds, xenc: NS.xenc });

export const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
export const escapeAttribute = (s: string) => escapeText(s).replace(/"/g, "&quot;");

export function parseXml(xml: string): Document {
  const fail = (msg: string) => {
    throw new Error(`malformed XML: ${msg}`);
  };
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: fail, fatalError: fail } }).parseFromString(xml, "text/xml");
  if (!doc.documentElement) throw new Error("malformed XML: no root element");
  return doc;
}

export const serializeXml = (node: Node) => new XMLSerializer().serializeToString(node);

/** The elements `expression` selects (prefixes samlp, saml, md, ds, xenc). */
export function selectElements(expression: string, context: Node): Element[] {
  const found = select(expression, context);
  return Array.isArray(found) ? found.filter((n): n is Element => xpath.isElement(n)) : [];
}

export function selectElement(expression: string, context: Node): Element | null {
  return selectElements(expression, context)[0] ?? null;
}

/** An xs:ID (an NCName: never starting with a digit), unguessable like a real IdP's. */
export const samlId = () => `_${crypto.randomBytes(20).toString("hex")}`;

/** xs:dateTime in UTC, as SAML Core §1.3.3 asks. */
export const samlInstant = (d: Date) => d.toISOString();
