// Portico as the service provider of a SAML connection: its entityID (the URL of its metadata,
// which is also what the identity provider's administrator imports) and its Assertion Consumer
// Service (the connection's callback, HTTP-POST binding).
import "server-only";
import { config } from "@/lib/config";
import { callbackPath, samlMetadataPath } from "./connection.schema";
import { findConnectionRowBySlug } from "./connections.repo";
import { findConnectionWithSecret } from "./connections";
import { serviceProviderMetadata, type ServiceProvider } from "./upstream/saml";

export function serviceProviderOf(slug: string): ServiceProvider {
  const base = config().publicUrl;
  return { entityId: new URL(samlMetadataPath(slug), base).toString(), acsUrl: new URL(callbackPath(slug), base).toString() };
}

/** The SP metadata XML of a SAML connection (enabled or not: it is set up at the IdP first), or null. */
export async function samlMetadataOf(slug: string): Promise<string | null> {
  const row = await findConnectionRowBySlug(slug);
  const connection = row && (await findConnectionWithSecret(row.id));
  if (!connection || connection.settings.protocol !== "saml") return null;
  return serviceProviderMetadata(connection, serviceProviderOf(slug));
}
