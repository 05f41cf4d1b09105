import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { ENTRA_TENANT, entraIdMetadata, OKTA_ENTITY_ID, OKTA_SSO_URL, oktaMetadata, testCertificates } from "@/test/saml-idp-metadata";
import { listAuditEvents } from "@/lib/audit";
import { decryptAtRest } from "@/lib/crypto";
import { PermissionError } from "@/lib/errors";
import { ROLES, type Role } from "@/lib/users";
import {
  CLIENT_SECRET_PURPOSE,
  connectionForEmail,
  connectionsForApplication,
  createConnection,
  deleteConnection,
  findConnectionWithSecret,
  getConnectionFor,
  listApplicationConnectionsFor,
  listConnectionsFor,
  samlConnectionDetails,
  setApplicationConnections,
  setConnectionDomains,
  updateConnection,
} from "./index";
import { checkConnectionForm, connectionFormDefaults, METADATA_REQUIRED, type ConnectionFormValues } from "./connection-form.schema";

const t = useTestDatabase();
const suffix = () => crypto.randomBytes(3).toString("hex");
const ctx = { ip: "203.0.113.9", userAgent: "vitest" };

const person = async (roles: string[] = []) => {
  const u = await t.db().user.create({ data: { email: `conn-${suffix()}@example.com`, emailVerifiedAt: new Date() } });
  return { id: u.id, roles };
};
const anAdmin = () => person(["admin"]);
const anApplication = async () => t.db().application.create({ data: { clientId: `app-${suffix()}`, name: `App ${suffix()}`, redirectUris: ["https://app.example.com/cb"] } });

/** A connection input as the console's form makes it (checkConnectionForm, the function the form and the action share). */
function inputFrom(values: Partial<ConnectionFormValues> & { kind?: Parameters<typeof connectionFormDefaults>[0] } = {}) {
  const { kind = "oidc", ...over } = values;
  const checked = checkConnectionForm({ ...connectionFormDefaults(kind), slug: `idp-${suffix()}`, name: "Acme IdP", issuer: "https://idp.example.com", clientId: "portico", ...over });
  if (!checked.ok) throw new Error(`form refused: ${JSON.stringify(checked.fieldErrors)}`);
  return checked.input;
}

const auditText = async (targetId: string) => JSON.stringify(await listAuditEvents({ targetId, take: 100 }), (_k, v) => (typeof v === "bigint" ? String(v) : v));

describe("connections administration", () => {
  it("by role: only the super administrator changes connections; the security analyst and the auditor read them; nobody else", async () => {
    const admin = await anAdmin();
    const app = await anApplication();
    const c = await createConnection(admin, inputFrom(), ctx);
    const actors: Record<Role, string[]> = {
      admin: ["admin"],
      user_admin: ["user_admin"],
      help_desk: ["help_desk"],
      app_admin: [`app_admin:${app.id}`],
      security_analyst: ["security_analyst"],
      auditor: ["auditor"],
    };
    for (const role of ROLES) {
      const actor = { id: admin.id, roles: actors[role] };
      const reads = ["admin", "security_analyst", "auditor"].includes(role);
      if (reads) {
        expect((await listConnectionsFor(actor)).map((x) => x.id), role).toContain(c.id);
        expect((await getConnectionFor(actor, c.id))?.slug, role).toBe(c.slug);
      } else {
        await expect(listConnectionsFor(actor), role).rejects.toBeInstanceOf(PermissionError);
        await expect(getConnectionFor(actor, c.id), role).rejects.toBeInstanceOf(PermissionError);
      }
      if (role === "admin") continue;
      await expect(createConnection(actor, inputFrom(), ctx), role).rejects.toBeInstanceOf(PermissionError);
      await expect(updateConnection(actor, c.id, inputFrom({ name: "Changed" }), ctx), role).rejects.toBeInstanceOf(PermissionError);
      await expect(setConnectionDomains(actor, c.id, ["acme.example"], ctx), role).rejects.toBeInstanceOf(PermissionError);
      await expect(deleteConnection(actor, c.id, ctx), role).rejects.toBeInstanceOf(PermissionError);
    }
    const stored = await t.db().connection.findUniqueOrThrow({ where: { id: c.id }, include: { domains: true } });
    expect(stored.name).toBe("Acme IdP");
    expect(stored.domains).toEqual([]);
  });

  it("seals the client secret at rest; no view, list or audit event carries it; a blank secret keeps the stored one", async () => {
    const admin = await anAdmin();
    const secret = `s3cret-${suffix()}-value`;
    const created = await createConnection(admin, inputFrom({ clientSecret: secret }), ctx);
    expect(created.hasClientSecret).toBe(true);
    const row = await t.db().connection.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.clientSecretSealed).not.toContain(secret);
    expect(decryptAtRest(row.clientSecretSealed!, CLIENT_SECRET_PURPOSE)).toBe(secret);
    expect((await findConnectionWithSecret(created.id))?.clientSecret).toBe(secret);
    for (const view of [created, await getConnectionFor(admin, created.id), ...(await listConnectionsFor(admin))]) {
      expect(JSON.stringify(view)).not.toContain(secret);
      expect(JSON.stringify(view)).not.toContain(row.clientSecretSealed!);
      expect(view).not.toHaveProperty("clientSecret");
      expect(view).not.toHaveProperty("clientSecretSealed");
    }

    // Blank: kept (the very same sealed value). The slug in the input is ignored: fixed once created.
    const updated = await updateConnection(admin, created.id, inputFrom({ slug: "another-slug", name: "Renamed", clientSecret: "" }), ctx);
    expect(updated).toMatchObject({ slug: created.slug, name: "Renamed", hasClientSecret: true });
    expect((await t.db().connection.findUniqueOrThrow({ where: { id: created.id } })).clientSecretSealed).toBe(row.clientSecretSealed);

    const rotated = `n3w-${suffix()}-value`;
    await updateConnection(admin, created.id, inputFrom({ name: "Renamed", clientSecret: rotated }), ctx);
    expect((await findConnectionWithSecret(created.id))?.clientSecret).toBe(rotated);

    const events = await listAuditEvents({ targetId: created.id, take: 10 });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["connection.created", "connection.updated"]));
    expect(events.find((e) => e.action === "connection.created")).toMatchObject({ actorType: "admin", actorId: admin.id, details: { slug: created.slug, protocol: "oidc", clientSecretSet: true } });
    const updates = events.filter((e) => e.action === "connection.updated").map((e) => e.details);
    expect(updates).toContainEqual({ slug: created.slug, changed: ["name"], settingsChanged: [] });
    expect(updates).toContainEqual({ slug: created.slug, changed: ["clientSecret"], settingsChanged: [] });
    const text = await auditText(created.id);
    for (const s of [secret, rotated]) expect(text).not.toContain(s);
  });

  it("names the settings that changed; an unchanged save audits nothing", async () => {
    const admin = await anAdmin();
    const c = await createConnection(admin, inputFrom({ kind: "github", slug: `gh-${suffix()}`, clientId: "gh-client" }), ctx);
    expect(c.settings).toMatchObject({ protocol: "oauth2", tokenEndpointAuthMethod: "client_secret_post", claimMapping: { subject: "id", picture: "avatar_url" } });
    await updateConnection(admin, c.id, inputFrom({ kind: "github", clientId: "gh-client" }), ctx);
    expect(await listAuditEvents({ targetId: c.id, action: "connection.updated" })).toHaveLength(0);
    await updateConnection(admin, c.id, inputFrom({ kind: "github", clientId: "gh-client-2", scopes: "read:user" }), ctx);
    expect((await listAuditEvents({ targetId: c.id, action: "connection.updated" }))[0]!.details).toEqual({ slug: c.slug, changed: ["settings"], settingsChanged: ["clientId", "scopes"] });
  });

  it("refuses a taken slug, bad settings and a preset's wrong protocol as field errors on the form's fields", async () => {
    const admin = await anAdmin();
    const c = await createConnection(admin, inputFrom(), ctx);
    await expect(createConnection(admin, inputFrom({ slug: c.slug }), ctx)).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { slug: expect.stringMatching(/exists/) } });
    await expect(createConnection(admin, { ...inputFrom(), settings: { protocol: "oidc", issuer: "http://idp.example.com", clientId: "x" } }, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { issuer: "Enter a full https:// URL." },
    });
    await expect(createConnection(admin, { ...inputFrom({ kind: "github" }), preset: "google" }, ctx)).rejects.toMatchObject({ fieldErrors: { protocol: "Google uses OpenID Connect." } });
    await expect(createConnection(admin, { ...inputFrom({ kind: "oauth2", authorizationEndpoint: "https://a.example/authorize", tokenEndpoint: "https://a.example/token", userinfoEndpoint: "https://a.example/me" }), settings: { protocol: "oauth2", authorizationEndpoint: "https://a.example/authorize", tokenEndpoint: "https://a.example/token", userinfoEndpoint: "https://a.example/me", clientId: "x", claimMapping: { email: "email" } } }, ctx)).rejects.toMatchObject({
      fieldErrors: { claims: expect.stringMatching(/^Map subject/) },
    });
    await expect(updateConnection(admin, crypto.randomUUID(), inputFrom(), ctx)).rejects.toMatchObject({ code: "not_found" });
  });

  it("two administrators creating the same slug at once: one connection, the others a field error", async () => {
    const admin = await anAdmin();
    const slug = `race-${suffix()}`;
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => createConnection(admin, inputFrom({ slug }), ctx)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) expect(r.reason).toMatchObject({ code: "invalid_input", fieldErrors: { slug: expect.any(String) } });
    expect(await t.db().connection.count({ where: { slug } })).toBe(1);
  });

  it("home realm domains: lower-cased and each once, malformed ones refused, a domain mapped elsewhere is a field error; audited as added and removed", async () => {
    const admin = await anAdmin();
    const acme = await createConnection(admin, inputFrom({ name: "Acme" }), ctx);
    const other = await createConnection(admin, inputFrom({ name: "Other" }), ctx);
    const d1 = `acme-${suffix()}.example`;
    const d2 = `corp.acme-${suffix()}.example`;
    expect(await setConnectionDomains(admin, acme.id, [d1.toUpperCase(), ` ${d2} `, d1], ctx)).toEqual([d1, d2].sort());
    expect((await getConnectionFor(admin, acme.id))?.domains).toEqual([d1, d2].sort());
    expect((await connectionForEmail(`Jane@${d1.toUpperCase()}`))?.id).toBe(acme.id);

    for (const bad of ["*.acme.example", "jane@acme.example", "localhost", "acme..example"]) {
      await expect(setConnectionDomains(admin, acme.id, [bad], ctx), bad).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { domains: expect.stringContaining("is not a domain") } });
    }
    await expect(setConnectionDomains(admin, other.id, [`free-${suffix()}.example`, d2], ctx)).rejects.toMatchObject({ fieldErrors: { domains: `${d2} is already mapped to Acme.` } });
    expect((await getConnectionFor(admin, other.id))?.domains).toEqual([]);

    await setConnectionDomains(admin, acme.id, [d2], ctx);
    await setConnectionDomains(admin, other.id, [d1], ctx);
    expect((await connectionForEmail(`jane@${d1}`))?.id).toBe(other.id);
    const changes = (await listAuditEvents({ targetId: acme.id, action: "connection.domains_changed" })).map((e) => e.details);
    expect(changes).toContainEqual({ slug: acme.slug, added: [d1, d2].sort(), removed: [] });
    expect(changes).toContainEqual({ slug: acme.slug, added: [], removed: [d1] });
  });

  it("deleting a connection removes its linked identities and domains, the count in the audit event", async () => {
    const admin = await anAdmin();
    const c = await createConnection(admin, inputFrom(), ctx);
    const domain = `gone-${suffix()}.example`;
    await setConnectionDomains(admin, c.id, [domain], ctx);
    for (const subject of ["a", "b"]) {
      const u = await person();
      await t.db().linkedIdentity.create({ data: { userId: u.id, connectionId: c.id, subject } });
    }
    expect((await getConnectionFor(admin, c.id))?.linkedIdentities).toBe(2);
    expect(await deleteConnection(admin, c.id, ctx)).toEqual({ linkedIdentitiesRemoved: 2 });
    expect(await t.db().linkedIdentity.count({ where: { connectionId: c.id } })).toBe(0);
    expect(await t.db().connectionDomain.count({ where: { domain } })).toBe(0);
    expect(await getConnectionFor(admin, c.id)).toBeNull();
    expect((await listAuditEvents({ targetId: c.id, action: "connection.deleted" }))[0]!.details).toEqual({ slug: c.slug, name: c.name, linkedIdentitiesRemoved: 2, domainsRemoved: [domain] });
    await expect(deleteConnection(admin, c.id, ctx)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("an application's connections", () => {
  it("its administrator chooses and orders existing connections for it (not for another application), audited; the login page reads them in order, enabled only", async () => {
    const admin = await anAdmin();
    const app = await anApplication();
    const otherApp = await anApplication();
    const appAdmin = await person([`app_admin:${app.id}`]);
    const [a, b, c] = [await createConnection(admin, inputFrom({ name: "A" }), ctx), await createConnection(admin, inputFrom({ name: "B" }), ctx), await createConnection(admin, inputFrom({ name: "C", enabled: false }), ctx)];

    expect((await setApplicationConnections(appAdmin, app.id, [c.id, b.id, a.id], ctx)).map((x) => x.id)).toEqual([c.id, b.id, a.id]);
    expect((await connectionsForApplication(app.clientId)).map((x) => x.id)).toEqual([b.id, a.id]);
    const listed = await listApplicationConnectionsFor(appAdmin, app.id);
    expect(listed.offered.map((x) => [x.id, x.enabled])).toEqual([[c.id, false], [b.id, true], [a.id, true]]);
    expect(listed.available.map((x) => x.id)).not.toContain(a.id);
    // The summary names the connection, nothing of its settings.
    expect(Object.keys(listed.offered[0]!).sort()).toEqual(["enabled", "id", "name", "preset", "protocol", "slug"]);

    await setApplicationConnections(appAdmin, app.id, [a.id, b.id], ctx);
    expect((await connectionsForApplication(app.clientId)).map((x) => x.id)).toEqual([a.id, b.id]);
    const events = (await listAuditEvents({ targetId: app.id, action: "application.connections_changed" })).map((e) => ({ actor: e.actorId, details: e.details }));
    expect(events).toContainEqual({ actor: appAdmin.id, details: { application: app.name, before: [], after: [c.slug, b.slug, a.slug] } });
    expect(events).toContainEqual({ actor: appAdmin.id, details: { application: app.name, before: [c.slug, b.slug, a.slug], after: [a.slug, b.slug] } });

    // Another application, connections themselves: refused.
    await expect(setApplicationConnections(appAdmin, otherApp.id, [a.id], ctx)).rejects.toBeInstanceOf(PermissionError);
    await expect(listApplicationConnectionsFor(appAdmin, otherApp.id)).rejects.toBeInstanceOf(PermissionError);
    await expect(listConnectionsFor(appAdmin)).rejects.toBeInstanceOf(PermissionError);
    await expect(setConnectionDomains(appAdmin, a.id, ["x.example"], ctx)).rejects.toBeInstanceOf(PermissionError);
    for (const role of ["auditor", "security_analyst", "user_admin"]) {
      await expect(setApplicationConnections({ id: admin.id, roles: [role] }, app.id, [], ctx), role).rejects.toBeInstanceOf(PermissionError);
    }
    expect((await connectionsForApplication(otherApp.clientId)).length).toBe(0);
  });

  it("refuses unknown, malformed and repeated connection ids, and an unknown application; an empty choice offers none", async () => {
    const admin = await anAdmin();
    const app = await anApplication();
    const a = await createConnection(admin, inputFrom(), ctx);
    await expect(setApplicationConnections(admin, app.id, [a.id, crypto.randomUUID()], ctx)).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { connections: expect.stringMatching(/does not exist/) } });
    await expect(setApplicationConnections(admin, app.id, ["not-an-id"], ctx)).rejects.toMatchObject({ code: "invalid_input", field: "connections" });
    await expect(setApplicationConnections(admin, app.id, [a.id, a.id], ctx)).rejects.toMatchObject({ fieldErrors: { connections: "Each connection once." } });
    await expect(setApplicationConnections(admin, crypto.randomUUID(), [a.id], ctx)).rejects.toMatchObject({ code: "not_found" });
    expect(await t.db().applicationConnection.count({ where: { applicationId: app.id } })).toBe(0);
    await setApplicationConnections(admin, app.id, [a.id], ctx);
    expect(await setApplicationConnections(admin, app.id, [], ctx)).toEqual([]);
    expect(await connectionsForApplication(app.clientId)).toEqual([]);
  });

  it("a deleted connection leaves the applications that offered it", async () => {
    const admin = await anAdmin();
    const app = await anApplication();
    const [a, b] = [await createConnection(admin, inputFrom(), ctx), await createConnection(admin, inputFrom(), ctx)];
    await setApplicationConnections(admin, app.id, [a.id, b.id], ctx);
    await deleteConnection(admin, a.id, ctx);
    expect((await listApplicationConnectionsFor(admin, app.id)).offered.map((x) => x.id)).toEqual([b.id]);
  });
});

describe("SAML connections", () => {
  const certs = testCertificates();
  const samlInput = (over: Partial<ConnectionFormValues> = {}) => inputFrom({ kind: "saml", name: "Corp IdP", metadataXml: oktaMetadata(certs.current, { wantSigned: true }), ...over });
  const der = (base64: string) => new crypto.X509Certificate(Buffer.from(base64, "base64"));
  const spki = (key: crypto.KeyObject) => key.export({ type: "spki", format: "der" }).toString("base64");
  const rowOf = (id: string) => t.db().connection.findUniqueOrThrow({ where: { id } });

  it("created from the identity provider's metadata, with a key of its own sealed in the client secret's column; no view or audit event holds the key", async () => {
    const admin = await anAdmin();
    const c = await createConnection(admin, samlInput({ nameIdFormat: "persistent", trustEmailVerified: true }), ctx);
    expect(c).toMatchObject({ protocol: "saml", preset: null, storeTokens: false, trustEmailVerified: true, hasClientSecret: true });
    expect(c.settings).toMatchObject({
      protocol: "saml",
      idpEntityId: OKTA_ENTITY_ID,
      ssoUrl: OKTA_SSO_URL,
      idpCertificates: [certs.current],
      // The metadata's WantAuthnRequestsSigned, though the box was left unticked.
      signAuthnRequests: true,
      requireEncryptedAssertions: false,
      nameIdFormat: "persistent",
    });
    const spCertificate = c.settings?.protocol === "saml" ? c.settings.spCertificate! : "";
    expect(der(spCertificate).subject).toBe(`CN=Portico ${c.slug}`);

    const row = await rowOf(c.id);
    const pem = decryptAtRest(row.clientSecretSealed!, CLIENT_SECRET_PURPOSE);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(spki(crypto.createPublicKey(pem))).toBe(spki(der(spCertificate).publicKey));
    // The protocol side reads the key as the connection's secret.
    expect((await findConnectionWithSecret(c.id))?.clientSecret).toBe(pem);

    const keyBody = pem.split("\n")[1]!;
    for (const view of [c, await getConnectionFor(admin, c.id), ...(await listConnectionsFor(admin))]) {
      const text = JSON.stringify(view);
      for (const secret of ["PRIVATE KEY", keyBody, row.clientSecretSealed!]) expect(text).not.toContain(secret);
    }
    const created = (await listAuditEvents({ targetId: c.id, action: "connection.created" }))[0]!;
    expect(created.details).toEqual({
      slug: c.slug,
      name: "Corp IdP",
      protocol: "saml",
      preset: null,
      enabled: true,
      idpEntityId: OKTA_ENTITY_ID,
      spCertificateSha256: der(spCertificate).fingerprint256,
    });
    const audit = await auditText(c.id);
    for (const secret of ["PRIVATE KEY", keyBody, row.clientSecretSealed!]) expect(audit).not.toContain(secret);
  });

  it("a change without metadata keeps the identity provider and the key; new metadata replaces the identity provider, never the key", async () => {
    const admin = await anAdmin();
    const c = await createConnection(admin, samlInput(), ctx);
    const before = await rowOf(c.id);
    const spCertificate = (before.settings as { spCertificate: string }).spCertificate;

    const kept = await updateConnection(admin, c.id, samlInput({ metadataXml: "", name: "Renamed", signAuthnRequests: true, requireEncryptedAssertions: true }), ctx);
    expect(kept.settings).toMatchObject({ idpEntityId: OKTA_ENTITY_ID, ssoUrl: OKTA_SSO_URL, idpCertificates: [certs.current], signAuthnRequests: true, requireEncryptedAssertions: true, spCertificate });
    expect((await rowOf(c.id)).clientSecretSealed).toBe(before.clientSecretSealed);

    // Left blank, the box is the administrator's choice: only pasted metadata turns signing on.
    expect((await updateConnection(admin, c.id, samlInput({ metadataXml: "", name: "Renamed", requireEncryptedAssertions: true }), ctx)).settings).toMatchObject({ signAuthnRequests: false });

    const replaced = await updateConnection(admin, c.id, samlInput({ metadataXml: entraIdMetadata([certs.current, certs.next]), name: "Renamed", requireEncryptedAssertions: true }), ctx);
    expect(replaced.settings).toMatchObject({
      idpEntityId: `https://sts.windows.net/${ENTRA_TENANT}/`,
      ssoUrl: `https://login.microsoftonline.com/${ENTRA_TENANT}/saml2`,
      idpCertificates: [certs.current, certs.next],
      spCertificate,
    });
    expect((await rowOf(c.id)).clientSecretSealed).toBe(before.clientSecretSealed);

    const updates = (await listAuditEvents({ targetId: c.id, action: "connection.updated" })).map((e) => e.details);
    expect(updates).toContainEqual({ slug: c.slug, changed: ["name", "settings"], settingsChanged: ["requireEncryptedAssertions"] });
    expect(updates).toContainEqual({ slug: c.slug, changed: ["settings"], settingsChanged: ["signAuthnRequests"] });
    expect(updates).toContainEqual({ slug: c.slug, changed: ["settings"], settingsChanged: ["idpCertificates", "idpEntityId", "ssoUrl"] });
    // The same metadata again changes nothing, and audits nothing.
    await updateConnection(admin, c.id, samlInput({ metadataXml: entraIdMetadata([certs.current, certs.next]), name: "Renamed", requireEncryptedAssertions: true }), ctx);
    expect(await listAuditEvents({ targetId: c.id, action: "connection.updated" })).toHaveLength(3);
  });

  it("refuses a posted client secret or certificate, and a change to or from SAML", async () => {
    const admin = await anAdmin();
    const c = await createConnection(admin, samlInput(), ctx);
    const oidc = await createConnection(admin, inputFrom(), ctx);
    const before = await rowOf(c.id);
    await expect(updateConnection(admin, c.id, { ...samlInput(), clientSecret: "-----BEGIN PRIVATE KEY-----" }, ctx)).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { form: expect.stringMatching(/no client secret/) } });
    const input = samlInput();
    await expect(updateConnection(admin, c.id, { ...input, settings: { ...input.settings, spCertificate: certs.other } }, ctx)).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { form: expect.stringMatching(/Portico's own/) } });
    await expect(createConnection(admin, { ...samlInput(), clientSecret: "s" }, ctx)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(updateConnection(admin, c.id, inputFrom(), ctx)).rejects.toMatchObject({ fieldErrors: { protocol: expect.stringMatching(/cannot change to or from SAML/) } });
    await expect(updateConnection(admin, oidc.id, samlInput(), ctx)).rejects.toMatchObject({ fieldErrors: { protocol: expect.stringMatching(/cannot change to or from SAML/) } });
    const after = await rowOf(c.id);
    expect([after.settings, after.clientSecretSealed, after.protocol]).toEqual([before.settings, before.clientSecretSealed, "saml"]);
    expect((await rowOf(oidc.id)).protocol).toBe("oidc");
  });

  it("metadata problems land on the metadata's field; nothing is created", async () => {
    const admin = await anAdmin();
    const slug = `saml-${suffix()}`;
    await expect(createConnection(admin, samlInput({ slug, metadataXml: oktaMetadata(certs.current, { redirect: false }) }), ctx)).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { metadataXml: expect.stringMatching(/HTTP-POST only/) },
    });
    await expect(createConnection(admin, samlInput({ slug, metadataXml: "<!DOCTYPE x []><x/>" }), ctx)).rejects.toMatchObject({ fieldErrors: { metadataXml: expect.stringMatching(/DOCTYPE/) } });
    // The form's check passes a change without metadata: the server asks for it when nothing is stored.
    await expect(createConnection(admin, samlInput({ slug, metadataXml: "" }), ctx)).rejects.toMatchObject({ fieldErrors: { metadataXml: METADATA_REQUIRED } });
    // Another field's problem and the metadata's, together.
    const both = { ...samlInput({ metadataXml: "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>" }), slug: "Not A Slug" };
    await expect(createConnection(admin, both, ctx)).rejects.toMatchObject({ fieldErrors: { slug: expect.any(String), metadataXml: expect.stringMatching(/paste one identity provider's metadata/) } });
    expect(await t.db().connection.count({ where: { slug } })).toBe(0);

    const c = await createConnection(admin, samlInput(), ctx);
    await expect(updateConnection(admin, c.id, samlInput({ metadataXml: "<oops" }), ctx)).rejects.toMatchObject({ fieldErrors: { metadataXml: expect.stringMatching(/^The metadata is not well-formed XML|^This is not/) } });
    expect((await getConnectionFor(admin, c.id))?.settings).toMatchObject({ idpEntityId: OKTA_ENTITY_ID });
  });

  it("only the super administrator creates or changes one", async () => {
    const admin = await anAdmin();
    const c = await createConnection(admin, samlInput(), ctx);
    for (const roles of [["user_admin"], ["help_desk"], ["security_analyst"], ["auditor"], []]) {
      const actor = { id: admin.id, roles };
      await expect(createConnection(actor, samlInput(), ctx), roles.join()).rejects.toBeInstanceOf(PermissionError);
      await expect(updateConnection(actor, c.id, samlInput({ metadataXml: "" }), ctx), roles.join()).rejects.toBeInstanceOf(PermissionError);
    }
    expect(await t.db().connection.count({ where: { name: "Corp IdP", protocol: "saml", id: { not: c.id }, createdAt: { gt: c.createdAt } } })).toBe(0);
  });

  it("a stored SAML connection without a key (written by hand) is given one when saved; its IdP settings may be given without metadata", async () => {
    const admin = await anAdmin();
    const idp = { idpEntityId: "urn:example:idp", ssoUrl: "https://idp.example.com/sso", idpCertificates: [certs.current] };
    const direct = await createConnection(admin, { slug: `direct-${suffix()}`, name: "Direct", settings: { protocol: "saml", ...idp } }, ctx);
    expect(direct.settings).toMatchObject({ ...idp, signAuthnRequests: false, spCertificate: expect.any(String) });

    const row = await t.db().connection.create({ data: { slug: `hand-${suffix()}`, name: "By hand", protocol: "saml", settings: { protocol: "saml", ...idp } } });
    const saved = await updateConnection(admin, row.id, samlInput({ metadataXml: "", name: "By hand" }), ctx);
    expect(saved).toMatchObject({ hasClientSecret: true, settings: { ...idp, spCertificate: expect.any(String) } });
    const pem = decryptAtRest((await rowOf(row.id)).clientSecretSealed!, CLIENT_SECRET_PURPOSE);
    expect(spki(crypto.createPublicKey(pem))).toBe(spki(der((saved.settings as { spCertificate: string }).spCertificate).publicKey));
    expect((await listAuditEvents({ targetId: row.id, action: "connection.updated" }))[0]!.details).toMatchObject({ changed: ["settings", "spKey"] });
  });

  it("its page's details: Portico's entity ID (the metadata URL), Assertion Consumer Service and certificate; the identity provider's certificates with their expiry", async () => {
    const admin = await anAdmin();
    const c = await createConnection(admin, samlInput({ metadataXml: entraIdMetadata([certs.current, certs.expiring]) }), ctx);
    const now = new Date();
    const details = samlConnectionDetails(c, { publicUrl: "https://id.example.com", now })!;
    const spCertificate = (c.settings as { spCertificate: string }).spCertificate;
    expect(details.serviceProvider).toMatchObject({
      entityId: `https://id.example.com/federation/${c.slug}/metadata`,
      acsUrl: `https://id.example.com/federation/${c.slug}/callback`,
      acsBinding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
      certificate: { sha256Fingerprint: der(spCertificate).fingerprint256, status: "valid" },
    });
    expect(der(details.serviceProvider.certificatePem!.replace(/-----[^-]+-----|\s/g, "")).fingerprint256).toBe(der(spCertificate).fingerprint256);
    expect(details.identityProvider).toMatchObject({ entityId: `https://sts.windows.net/${ENTRA_TENANT}/`, nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" });
    expect(details.identityProvider.certificates.map((x) => [x?.sha256Fingerprint, x?.status])).toEqual([
      [der(certs.current).fingerprint256, "valid"],
      [der(certs.expiring).fingerprint256, "expiring"],
    ]);
    expect(JSON.stringify(details)).not.toContain("PRIVATE KEY");
    expect(samlConnectionDetails(await createConnection(admin, inputFrom(), ctx))).toBeNull();
  });
});
