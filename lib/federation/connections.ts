// The connections as the sign-in and the console read them: settings parsed (a row whose settings no
// longer parse is treated as absent, never half-used) and the client secret decrypted only when a
// request upstream needs it.
import "server-only";
import type { Tx } from "@/lib/db";
import { decryptAtRest } from "@/lib/crypto";
import { connectionSettingsSchema, type ConnectionSettings, type PresetName, type Protocol } from "./connection.schema";
import { findConnectionRowByDomain, findConnectionRowById, findConnectionRowBySlug, listApplicationConnectionRows, listConnectionRows, type ConnectionRow } from "./connections.repo";

/** The purpose the client secret is sealed under (lib/crypto binds it as associated data). */
export const CLIENT_SECRET_PURPOSE = "connection.client_secret";

export interface Connection {
  id: string;
  slug: string;
  name: string;
  protocol: Protocol;
  preset: PresetName | null;
  enabled: boolean;
  settings: ConnectionSettings;
  hasClientSecret: boolean;
  trustEmailVerified: boolean;
  storeTokens: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The secret, decrypted, for a request upstream (never in a DTO, a log or a page). */
export interface ConnectionWithSecret extends Connection {
  clientSecret: string | null;
}

export function toConnection(row: ConnectionRow): Connection | null {
  const settings = connectionSettingsSchema.safeParse(row.settings);
  if (!settings.success) return null;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    protocol: settings.data.protocol,
    preset: (row.preset as PresetName | null) ?? null,
    enabled: row.enabled,
    settings: settings.data,
    hasClientSecret: row.clientSecretSealed !== null,
    trustEmailVerified: row.trustEmailVerified,
    storeTokens: row.storeTokens,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function withSecret(row: ConnectionRow | null): ConnectionWithSecret | null {
  const connection = row && toConnection(row);
  if (!connection) return null;
  return { ...connection, clientSecret: row!.clientSecretSealed ? decryptAtRest(row!.clientSecretSealed, CLIENT_SECRET_PURPOSE) : null };
}

/** An enabled connection by its slug (the callback path), with its secret. */
export async function findEnabledConnection(slug: string): Promise<ConnectionWithSecret | null> {
  const row = await findConnectionRowBySlug(slug);
  return row?.enabled ? withSecret(row) : null;
}

export async function findConnectionWithSecret(id: string, tx?: Tx): Promise<ConnectionWithSecret | null> {
  return withSecret(await findConnectionRowById(id, tx));
}

/** The connections an application's login page offers, in its order (enabled only). */
export async function connectionsForApplication(clientId: string): Promise<Connection[]> {
  return (await listApplicationConnectionRows(clientId)).flatMap((r) => toConnection(r) ?? []);
}

/** Every enabled connection (the portal's own sign-in page offers them all). */
export async function listEnabledConnections(): Promise<Connection[]> {
  return (await listConnectionRows()).filter((r) => r.enabled).flatMap((r) => toConnection(r) ?? []);
}

/** Home realm discovery: the enabled connection the address's domain is mapped to. */
export async function connectionForEmail(email: string): Promise<Connection | null> {
  const at = email.lastIndexOf("@");
  if (at < 1) return null;
  const row = await findConnectionRowByDomain(email.slice(at + 1).toLowerCase());
  return row && toConnection(row);
}

/** Whether signing out of Portico signs out at this provider too (OpenID Connect RP-Initiated Logout). */
export function signsOutUpstream(connection: Pick<Connection, "settings">): boolean {
  return connection.settings.protocol === "oidc" && connection.settings.signOutUpstream === true;
}

/**
 * Whether the connection may vouch for this address it asserted. A SAML identity provider has no
 * `email_verified`: its directory is trusted only at the email domains mapped to its connection,
 * so a trusted connection cannot assert an address at another company's domain and be linked to
 * (or register) that account. The other protocols' providers say per address whether they verified it.
 */
export async function vouchesForAddress(connection: Pick<Connection, "id" | "protocol">, email: string | null): Promise<boolean> {
  if (connection.protocol !== "saml") return true;
  return email !== null && (await connectionForEmail(email))?.id === connection.id;
}
