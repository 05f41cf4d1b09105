// The console's side of federation: administrators add, change and delete upstream connections
// (connections:write), map email domains to them for home realm discovery, and each application's
// administrator chooses which connections its login page offers, in order (applications:write for
// that application). Permissions are checked here; each change is audited in its transaction,
// never with the client secret, which is sealed at rest and never leaves this module. A SAML
// connection's client secret column holds the private key Portico makes for it (saml-connection.ts).
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { encryptAtRest } from "@/lib/crypto";
import { isUuid } from "@/lib/formats";
import { assertApplicationPermission, assertPermission, type Actor } from "@/lib/users";
import { connectionSettingsSchema, samlSettingsSchema, type ConnectionSettings, type PresetName, type Protocol } from "./connection.schema";
import { invalidDomain, isSamlInput, MAX_CONNECTION_DOMAINS, parseConnectionInput, type ParsedConnectionInput, type ParsedSamlConnectionInput } from "./connection-form.schema";
import { CLIENT_SECRET_PURPOSE } from "./connections";
import {
  deleteConnectionRow,
  findConnectionAdminRow,
  findDomainsMappedElsewhere,
  insertConnectionRow,
  listApplicationConnectionSummaryRows,
  listConnectionAdminRows,
  listConnectionSummaryRows,
  lockApplicationAndConnections,
  lockConnectionRow,
  replaceApplicationConnections,
  replaceConnectionDomains,
  updateConnectionRow,
  withTransaction,
  type ConnectionAdminRow,
  type ConnectionSummaryRow,
  type ConnectionWrite,
} from "./connections.repo";
import { FederationError } from "./federation.errors";
import { newServiceProviderKey, samlIdpSettings, samlSettingsOf, storedSpCertificate } from "./saml-connection";
import { certificateSummary, parseIdpMetadata, type IdpMetadata } from "./saml-metadata";

/** A connection as the console shows it: the secret only as whether one is stored. */
export interface ConnectionAdminView {
  id: string;
  slug: string;
  name: string;
  protocol: Protocol;
  preset: PresetName | null;
  enabled: boolean;
  /** null: the stored settings no longer parse (saved by an earlier version); saving the form again repairs them. */
  settings: ConnectionSettings | null;
  hasClientSecret: boolean;
  trustEmailVerified: boolean;
  storeTokens: boolean;
  /** Home realm discovery: the email domains sent straight to this connection. */
  domains: string[];
  /** The accounts' identities at this connection (deleted with it). */
  linkedIdentities: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A connection as an application's page offers it. */
export interface ConnectionSummary {
  id: string;
  slug: string;
  name: string;
  protocol: Protocol;
  preset: PresetName | null;
  enabled: boolean;
}

function toView(row: ConnectionAdminRow): ConnectionAdminView {
  const settings = connectionSettingsSchema.safeParse(row.settings);
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    protocol: row.protocol as Protocol,
    preset: (row.preset as PresetName | null) ?? null,
    enabled: row.enabled,
    settings: settings.success ? settings.data : null,
    hasClientSecret: row.clientSecretSealed !== null,
    trustEmailVerified: row.trustEmailVerified,
    storeTokens: row.storeTokens,
    domains: row.domains.map((d) => d.domain),
    linkedIdentities: row._count.identities,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const toSummary = (row: ConnectionSummaryRow): ConnectionSummary => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  protocol: row.protocol as Protocol,
  preset: (row.preset as PresetName | null) ?? null,
  enabled: row.enabled,
});

/** Equal as JSON whatever the keys' order (JSONB stores them in its own order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === "object" && !(v instanceof Date) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, canonical(x)])) : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

const adminActor = (actor: Actor) => ({ type: "admin" as const, id: actor.id });
const notFound = () => new FederationError("not_found", "This connection does not exist.");

const invalid = (fieldErrors: Record<string, string>) => new FederationError("invalid_input", "Check the highlighted fields.", { fieldErrors });

type CheckedInput = { saml: false; c: ParsedConnectionInput } | { saml: true; c: ParsedSamlConnectionInput; idp: IdpMetadata };

/**
 * The input, parsed by the server's schema and the rules across its fields; a SAML connection's
 * identity provider read from its metadata (or kept from `before`, the row changed). Problems by
 * the console form's field names, the metadata's on metadataXml.
 */
function checkedInput(input: unknown, before: ConnectionAdminRow | null): CheckedInput {
  const parsed = parseConnectionInput(input);
  if (!parsed.ok) {
    // The metadata's own problem too, so one round trip shows them all.
    const xml = input && typeof input === "object" ? (input as Record<string, unknown>).metadataXml : undefined;
    const metadata = typeof xml === "string" && xml.trim() !== "" ? parseIdpMetadata(xml) : null;
    throw invalid(metadata && !metadata.ok ? { metadataXml: metadata.message, ...parsed.fieldErrors } : parsed.fieldErrors);
  }
  if (!isSamlInput(parsed.input)) return { saml: false, c: parsed.input };
  const stored = before ? samlSettingsSchema.safeParse(before.settings) : null;
  const idp = samlIdpSettings(parsed.input, stored?.success ? stored.data : null);
  if (!idp.ok) throw invalid({ metadataXml: idp.message });
  return { saml: true, c: parsed.input, idp: idp.idp };
}

function columns(c: ParsedConnectionInput): ConnectionWrite {
  return {
    name: c.name,
    protocol: c.settings.protocol,
    preset: c.preset,
    enabled: c.enabled,
    settings: c.settings,
    trustEmailVerified: c.trustEmailVerified,
    storeTokens: c.storeTokens,
    // RFC 6749 §2.3.1: the client password, sealed; blank keeps the stored one.
    ...(c.clientSecret ? { clientSecretSealed: encryptAtRest(c.clientSecret, CLIENT_SECRET_PURPOSE) } : {}),
  };
}

/** A SAML connection's columns: its key is sealed in the client secret's column only when new (`key.clientSecretSealed`). */
function samlColumns(c: ParsedSamlConnectionInput, idp: IdpMetadata, key: { spCertificate: string; clientSecretSealed?: string }): ConnectionWrite {
  return {
    name: c.name,
    protocol: "saml",
    preset: c.preset,
    enabled: c.enabled,
    settings: samlSettingsOf(c, idp, key.spCertificate),
    trustEmailVerified: c.trustEmailVerified,
    storeTokens: false,
    ...(key.clientSecretSealed ? { clientSecretSealed: key.clientSecretSealed } : {}),
  };
}

/** What the audit keeps of a connection's certificate: its fingerprint (the certificate is public; the key never leaves the sealed column). */
const certificateFingerprint = (base64: string) => certificateSummary(base64)?.sha256Fingerprint ?? null;

export async function listConnectionsFor(actor: Actor): Promise<ConnectionAdminView[]> {
  assertPermission(actor, "connections:read");
  return (await listConnectionAdminRows()).map(toView);
}

export async function getConnectionFor(actor: Actor, id: string): Promise<ConnectionAdminView | null> {
  assertPermission(actor, "connections:read");
  if (!isUuid(id)) return null;
  const row = await findConnectionAdminRow(id);
  return row && toView(row);
}

export async function createConnection(actor: Actor, input: unknown, ctx: RequestContext): Promise<ConnectionAdminView> {
  assertPermission(actor, "connections:write");
  const checked = checkedInput(input, null);
  const c = checked.c;
  // Made before the transaction: RSA key generation takes a moment.
  const key = checked.saml ? newServiceProviderKey(c.slug) : null;
  const write = checked.saml ? samlColumns(checked.c, checked.idp, key!) : columns(checked.c);
  return withTransaction(async (tx) => {
    const row = await insertConnectionRow({ slug: c.slug, ...write }, tx);
    if (!row) throw new FederationError("invalid_input", "A connection with this name in its URL exists.", { field: "slug", fieldErrors: { slug: "A connection with this name in its URL exists." } });
    const common = { slug: c.slug, name: c.name, protocol: c.settings.protocol, preset: c.preset, enabled: c.enabled };
    await recordAudit(
      {
        actor: adminActor(actor),
        action: "connection.created",
        target: { type: "connection", id: row.id },
        result: "success",
        context: ctx,
        details: checked.saml
          ? { ...common, idpEntityId: checked.idp.idpEntityId, spCertificateSha256: certificateFingerprint(key!.spCertificate) }
          : { ...common, clientSecretSet: Boolean(checked.c.clientSecret) },
      },
      tx,
    );
    return toView((await findConnectionAdminRow(row.id, tx))!);
  });
}

/**
 * Changes everything but the slug (the callback URL registered upstream), the preset and whether it
 * is SAML (its key would become an OAuth client secret, or the reverse). A SAML connection keeps its
 * key and certificate; one stored without them (written by hand) is given new ones.
 */
export async function updateConnection(actor: Actor, id: string, input: unknown, ctx: RequestContext): Promise<ConnectionAdminView> {
  assertPermission(actor, "connections:write");
  if (!isUuid(id)) throw notFound();
  return withTransaction(async (tx) => {
    const before = await lockConnectionRow(id, tx);
    if (!before) throw notFound();
    const checked = checkedInput({ ...(input && typeof input === "object" ? input : {}), slug: before.slug, preset: before.preset }, before);
    if ((before.protocol === "saml") !== checked.saml) throw invalid({ protocol: "A connection cannot change to or from SAML: add a new connection instead." });
    const spCertificate = storedSpCertificate(before.settings);
    const write = checked.saml
      ? samlColumns(checked.c, checked.idp, spCertificate && before.clientSecretSealed ? { spCertificate } : newServiceProviderKey(before.slug))
      : columns(checked.c);
    await updateConnectionRow(id, write, tx);
    const fields = ["name", "enabled", "settings", "trustEmailVerified", "storeTokens"] as const;
    const changed: string[] = fields.filter((k) => !sameJson(before[k], write[k]));
    // The settings changed, by name (the settings hold no secret; the secret only as changed or not).
    const stored = (before.settings ?? {}) as Record<string, unknown>;
    const next = write.settings as Record<string, unknown>;
    const settingsChanged = Object.keys({ ...stored, ...next }).filter((k) => !sameJson(stored[k], next[k])).sort();
    if (write.clientSecretSealed) changed.push(checked.saml ? "spKey" : "clientSecret");
    if (changed.length) {
      await recordAudit(
        { actor: adminActor(actor), action: "connection.updated", target: { type: "connection", id }, result: "success", context: ctx, details: { slug: before.slug, changed, settingsChanged } },
        tx,
      );
    }
    return toView((await findConnectionAdminRow(id, tx))!);
  });
}

/** Deletes the connection and, with it, every identity linked through it (the count is audited). */
export async function deleteConnection(actor: Actor, id: string, ctx: RequestContext): Promise<{ linkedIdentitiesRemoved: number }> {
  assertPermission(actor, "connections:write");
  if (!isUuid(id)) throw notFound();
  return withTransaction(async (tx) => {
    const row = await lockConnectionRow(id, tx);
    if (!row) throw notFound();
    const linkedIdentitiesRemoved = row._count.identities;
    await deleteConnectionRow(id, tx);
    await recordAudit(
      {
        actor: adminActor(actor),
        action: "connection.deleted",
        target: { type: "connection", id },
        result: "success",
        context: ctx,
        details: { slug: row.slug, name: row.name, linkedIdentitiesRemoved, domainsRemoved: row.domains.map((d) => d.domain) },
      },
      tx,
    );
    return { linkedIdentitiesRemoved };
  });
}

/**
 * The email domains whose customers go straight to this connection (home realm discovery): lower
 * case, each once; a domain mapped to another connection is refused (one domain, one connection).
 */
export async function setConnectionDomains(actor: Actor, id: string, domains: readonly string[], ctx: RequestContext): Promise<string[]> {
  assertPermission(actor, "connections:write");
  if (!isUuid(id)) throw notFound();
  const wanted = [...new Set(domains.map((d) => d.trim().toLowerCase()).filter(Boolean))].sort();
  const problem = (message: string) => new FederationError("invalid_input", message, { field: "domains", fieldErrors: { domains: message } });
  if (wanted.length > MAX_CONNECTION_DOMAINS) throw problem(`At most ${MAX_CONNECTION_DOMAINS} domains.`);
  const bad = invalidDomain(wanted);
  if (bad !== null) throw problem(`${bad.slice(0, 100)} is not a domain: enter names like example.com (no wildcard, no @).`);
  return withTransaction(async (tx) => {
    const row = await lockConnectionRow(id, tx);
    if (!row) throw notFound();
    const taken = await findDomainsMappedElsewhere(wanted, id, tx);
    if (taken.length) throw problem(`${taken[0]!.domain} is already mapped to ${taken[0]!.connectionName}.`);
    if (!(await replaceConnectionDomains(id, wanted, tx))) throw problem("Another connection was just given one of these domains: reload the page and try again.");
    const before = row.domains.map((d) => d.domain);
    const added = wanted.filter((d) => !before.includes(d));
    const removed = before.filter((d) => !wanted.includes(d));
    if (added.length || removed.length) {
      await recordAudit({ actor: adminActor(actor), action: "connection.domains_changed", target: { type: "connection", id }, result: "success", context: ctx, details: { slug: row.slug, added, removed } }, tx);
    }
    return wanted;
  });
}

/** What an application's page shows: the connections it offers in order, and the others it could offer. */
export async function listApplicationConnectionsFor(actor: Actor, applicationId: string): Promise<{ offered: ConnectionSummary[]; available: ConnectionSummary[] }> {
  assertApplicationPermission(actor, "applications:read", applicationId);
  if (!isUuid(applicationId)) return { offered: [], available: [] };
  const [offered, all] = await Promise.all([listApplicationConnectionSummaryRows(applicationId), listConnectionSummaryRows()]);
  const chosen = new Set(offered.map((c) => c.id));
  return { offered: offered.map(toSummary), available: all.filter((c) => !chosen.has(c.id)).map(toSummary) };
}

/** The connections the application's login page offers, in this order (existing connections only; none: only Portico's own sign-in). */
export async function setApplicationConnections(actor: Actor, applicationId: string, connectionIds: readonly string[], ctx: RequestContext): Promise<ConnectionSummary[]> {
  assertApplicationPermission(actor, "applications:write", applicationId);
  if (!isUuid(applicationId)) throw new FederationError("not_found", "This application does not exist.");
  const refused = (message: string) => new FederationError("invalid_input", message, { field: "connections", fieldErrors: { connections: message } });
  if (connectionIds.length > 100) throw refused("At most 100 connections.");
  if (new Set(connectionIds).size !== connectionIds.length) throw refused("Each connection once.");
  if (!connectionIds.every(isUuid)) throw refused("Choose among the connections listed.");
  return withTransaction(async (tx) => {
    const { application, found } = await lockApplicationAndConnections(applicationId, connectionIds, tx);
    if (!application) throw new FederationError("not_found", "This application does not exist.");
    if (found.length !== connectionIds.length) throw refused("A chosen connection does not exist (deleted meanwhile?): reload the page and choose again.");
    const before = await listApplicationConnectionSummaryRows(applicationId, tx);
    await replaceApplicationConnections(applicationId, connectionIds, tx);
    const after = await listApplicationConnectionSummaryRows(applicationId, tx);
    const slugs = (rows: ConnectionSummaryRow[]) => rows.map((r) => r.slug);
    if (JSON.stringify(slugs(before)) !== JSON.stringify(slugs(after))) {
      await recordAudit(
        {
          actor: adminActor(actor),
          action: "application.connections_changed",
          target: { type: "application", id: applicationId },
          result: "success",
          context: ctx,
          details: { application: application.name, before: slugs(before), after: slugs(after) },
        },
        tx,
      );
    }
    return after.map(toSummary);
  });
}
