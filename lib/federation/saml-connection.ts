// A SAML connection's settings as the console saves them, and what its page shows. The identity
// provider's side comes from its metadata (or stays as stored); the service provider's side is
// Portico's own: a key pair made when the connection is, its private key sealed in the client
// secret's column, its certificate in the settings, both kept whatever a form posts.
import "server-only";
import { config } from "@/lib/config";
import { certificatePem, encryptAtRest, selfSignedCertificate } from "@/lib/crypto";
import { callbackPath, NAME_ID_FORMATS, samlMetadataPath, samlSettingsSchema, type ConnectionSettings, type SamlSettings } from "./connection.schema";
import { METADATA_REQUIRED, type ParsedSamlConnectionInput } from "./connection-form.schema";
import { CLIENT_SECRET_PURPOSE } from "./connections";
import { certificateSummary, parseIdpMetadata, type CertificateSummary, type IdpMetadata } from "./saml-metadata";

/**
 * The identity provider's settings for the connection: from the metadata pasted (it wins), else as
 * given in the settings, else the stored ones (a change that leaves the metadata blank); or the
 * problem, for the metadata's field. Only pasted metadata can ask for signed requests: otherwise
 * signing is the administrator's choice.
 */
export function samlIdpSettings(input: ParsedSamlConnectionInput, stored: SamlSettings | null): { ok: true; idp: IdpMetadata } | { ok: false; message: string } {
  if (input.metadataXml !== undefined && input.metadataXml.trim() !== "") return parseIdpMetadata(input.metadataXml);
  const { idpEntityId, ssoUrl, idpCertificates } = input.settings;
  const given = [idpEntityId, ssoUrl, idpCertificates].filter((x) => x !== undefined).length;
  if (given === 3) return { ok: true, idp: { idpEntityId: idpEntityId!, ssoUrl: ssoUrl!, idpCertificates: idpCertificates!, signAuthnRequests: false } };
  if (given > 0) return { ok: false, message: "Give the identity provider's entity ID, sign-on URL and certificates together, or its metadata." };
  if (stored) return { ok: true, idp: { idpEntityId: stored.idpEntityId, ssoUrl: stored.ssoUrl, idpCertificates: stored.idpCertificates, signAuthnRequests: false } };
  return { ok: false, message: METADATA_REQUIRED };
}

/** The settings stored: the form's choices, the identity provider's side, the connection's certificate. */
export function samlSettingsOf(input: ParsedSamlConnectionInput, idp: IdpMetadata, spCertificate: string): SamlSettings {
  return samlSettingsSchema.parse({
    ...input.settings,
    idpEntityId: idp.idpEntityId,
    ssoUrl: idp.ssoUrl,
    idpCertificates: idp.idpCertificates,
    // The metadata's WantAuthnRequestsSigned turns signing on; the administrator may ask for it anyway.
    signAuthnRequests: input.settings.signAuthnRequests || idp.signAuthnRequests,
    spCertificate,
  });
}

/** A new key for a SAML connection: its private key sealed as the connection's client secret, its certificate for the settings. */
export function newServiceProviderKey(slug: string): { clientSecretSealed: string; spCertificate: string } {
  const { privateKeyPem, certificateBase64 } = selfSignedCertificate(`Portico ${slug}`);
  return { clientSecretSealed: encryptAtRest(privateKeyPem, CLIENT_SECRET_PURPOSE), spCertificate: certificateBase64 };
}

/** The certificate stored with a connection's settings, read even when the rest of them no longer parse. */
export function storedSpCertificate(settings: unknown): string | null {
  const value = settings && typeof settings === "object" ? (settings as Record<string, unknown>).spCertificate : undefined;
  return typeof value === "string" && value !== "" ? value : null;
}

// ---- What the connection's page shows ----------------------------------------------------------

export const HTTP_POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

export interface SamlConnectionDetails {
  /** What the identity provider's administrator enters for Portico. */
  serviceProvider: {
    /** Its entityID: the URL of its metadata. */
    entityId: string;
    /** The Assertion Consumer Service, for the HTTP-POST binding (SAML Bindings §3.5). */
    acsUrl: string;
    acsBinding: typeof HTTP_POST_BINDING;
    /** null: none stored yet (saving the connection makes one). */
    certificatePem: string | null;
    certificate: CertificateSummary | null;
  };
  /** The identity provider as its metadata described it. */
  identityProvider: {
    entityId: string;
    ssoUrl: string;
    /** In the order stored; null for one that no longer parses. */
    certificates: (CertificateSummary | null)[];
    signAuthnRequests: boolean;
    requireEncryptedAssertions: boolean;
    nameIdFormat: string;
  };
}

/** A SAML connection's two sides for its page (public values only), or null for another protocol or unreadable settings. */
export function samlConnectionDetails(connection: { slug: string; settings: ConnectionSettings | null }, options: { publicUrl?: string; now?: Date } = {}): SamlConnectionDetails | null {
  const s = connection.settings;
  if (s?.protocol !== "saml") return null;
  const publicUrl = options.publicUrl ?? config().publicUrl;
  const now = options.now ?? new Date();
  const url = (path: string) => new URL(path, publicUrl).toString();
  return {
    serviceProvider: {
      entityId: url(samlMetadataPath(connection.slug)),
      acsUrl: url(callbackPath(connection.slug)),
      acsBinding: HTTP_POST_BINDING,
      certificatePem: s.spCertificate ? certificatePem(s.spCertificate) : null,
      certificate: s.spCertificate ? certificateSummary(s.spCertificate, now) : null,
    },
    identityProvider: {
      entityId: s.idpEntityId,
      ssoUrl: s.ssoUrl,
      certificates: s.idpCertificates.map((c) => certificateSummary(c, now)),
      signAuthnRequests: s.signAuthnRequests,
      requireEncryptedAssertions: s.requireEncryptedAssertions,
      nameIdFormat: NAME_ID_FORMATS[s.nameIdFormat],
    },
  };
}
