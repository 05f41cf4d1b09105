// Identity provider metadata shaped as real ones publish it, for the tests of the metadata reader
// and the console: Microsoft Entra ID's federation metadata (default namespace, a document
// signature and WS-Federation role descriptors before the IDPSSODescriptor, two signing
// certificates while it rolls over), Okta's (md: and ds: prefixes, certificates wrapped in lines,
// HTTP-POST listed first) and a minimal one. The certificates are made per test run.
import { selfSignedCertificate } from "@/lib/crypto";

export const HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
export const HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

let made: { current: string; next: string; other: string; expired: string; expiring: string } | null = null;

/** Base64 DER certificates: two an IdP signs with, one it does not, one expired, one expiring within 30 days. */
export function testCertificates() {
  made ??= {
    current: selfSignedCertificate("Microsoft Azure Federated SSO Certificate").certificateBase64,
    next: selfSignedCertificate("Microsoft Azure Federated SSO Certificate (next)").certificateBase64,
    other: selfSignedCertificate("Some other key").certificateBase64,
    expired: selfSignedCertificate("Expired", 0).certificateBase64,
    expiring: selfSignedCertificate("Expiring", 10).certificateBase64,
  };
  return made;
}

const wrapped = (base64: string) => base64.replace(/(.{64})/g, "$1\n");

export const ENTRA_TENANT = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490";

/** Entra ID's https://login.microsoftonline.com/{tenant}/federationmetadata/2007-06/federationmetadata.xml?appid=…, shortened. */
export function entraIdMetadata(certificates: string[], options: { signatureCertificate?: string } = {}): string {
  const key = (c: string) => `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${c}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`;
  const saml2 = `https://login.microsoftonline.com/${ENTRA_TENANT}/saml2`;
  return `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_4a4a7a43-0a22-4b7e-b5d3-7e9b1c3e0f11" entityID="https://sts.windows.net/${ENTRA_TENANT}/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#" /><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" /><Reference URI="#_4a4a7a43-0a22-4b7e-b5d3-7e9b1c3e0f11"><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature" /><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#" /></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256" /><DigestValue>q7N4QNhKsIo0rYB0d9m8RJSdqbQ=</DigestValue></Reference></SignedInfo><SignatureValue>VGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==</SignatureValue><KeyInfo><X509Data><X509Certificate>${options.signatureCertificate ?? certificates[0]}</X509Certificate></X509Data></KeyInfo></Signature><RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">${key(options.signatureCertificate ?? certificates[0]!)}<fed:ClaimTypesOffered><auth:ClaimType Uri="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" xmlns:auth="http://docs.oasis-open.org/wsfed/authorization/200706"><auth:DisplayName>Name</auth:DisplayName></auth:ClaimType></fed:ClaimTypesOffered><fed:PassiveRequestorEndpoint><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>https://login.microsoftonline.com/${ENTRA_TENANT}/wsfed</wsa:Address></wsa:EndpointReference></fed:PassiveRequestorEndpoint></RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${certificates.map(key).join("")}<SingleLogoutService Binding="${HTTP_REDIRECT}" Location="${saml2}" /><SingleSignOnService Binding="${HTTP_REDIRECT}" Location="${saml2}" /><SingleSignOnService Binding="${HTTP_POST}" Location="${saml2}" /></IDPSSODescriptor></EntityDescriptor>`;
}

export const OKTA_ENTITY_ID = "http://www.okta.com/exk8q2w1hnMZ3cZa35d7";
export const OKTA_SSO_URL = "https://acme.okta.com/app/acme_portico_1/exk8q2w1hnMZ3cZa35d7/sso/saml";

/** Okta's "Identity Provider metadata" of a SAML 2.0 app integration. */
export function oktaMetadata(certificate: string, options: { wantSigned?: boolean; redirect?: boolean } = {}): string {
  const redirect = options.redirect === false ? "" : `\n        <md:SingleSignOnService Binding="${HTTP_REDIRECT}" Location="${OKTA_SSO_URL}"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${OKTA_ENTITY_ID}">
    <md:IDPSSODescriptor WantAuthnRequestsSigned="${options.wantSigned ? "true" : "false"}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
        <md:KeyDescriptor use="signing">
            <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
                <ds:X509Data>
                    <ds:X509Certificate>${wrapped(certificate)}</ds:X509Certificate>
                </ds:X509Data>
            </ds:KeyInfo>
        </md:KeyDescriptor>
        <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
        <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
        <md:SingleSignOnService Binding="${HTTP_POST}" Location="${OKTA_SSO_URL}"/>${redirect}
    </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
}

export const MINIMAL_ENTITY_ID = "urn:example:idp";
export const MINIMAL_SSO_URL = "https://idp.example.com/sso";

/**
 * The least a reader must accept: no XML declaration, a KeyDescriptor without `use` (for both
 * uses), an encryption-only key beside it, signed requests wanted (as xs:boolean "1").
 */
export function minimalMetadata(signing: string, encryption: string, options: { entityId?: string; ssoUrl?: string; protocols?: string } = {}): string {
  return `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${options.entityId ?? MINIMAL_ENTITY_ID}">
  <IDPSSODescriptor WantAuthnRequestsSigned="1" protocolSupportEnumeration="${options.protocols ?? "urn:oasis:names:tc:SAML:2.0:protocol"}">
    <KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${signing}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>
    <KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${encryption}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>
    <SingleSignOnService Binding="${HTTP_REDIRECT}" Location="${options.ssoUrl ?? MINIMAL_SSO_URL}"/>
  </IDPSSODescriptor>
</EntityDescriptor>`;
}

/** A service provider's metadata (what an administrator might paste by mistake: Portico's own kind). */
export function serviceProviderMetadata(certificate: string): string {
  return `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example.com/metadata">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:AssertionConsumerService Binding="${HTTP_POST}" Location="https://sp.example.com/acs" index="0"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>`;
}

/** Entity descriptors in an EntitiesDescriptor (a federation's aggregate), the XML declaration of each removed. */
export function entitiesDescriptor(...entities: string[]): string {
  return `<?xml version="1.0"?>\n<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="urn:example:federation">${entities.map((e) => e.replace(/^<\?xml[^>]*\?>\s*/, "")).join("\n")}</md:EntitiesDescriptor>`;
}
