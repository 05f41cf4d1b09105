import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
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
  setApplicationConnections,
  setConnectionDomains,
  updateConnection,
} from "./index";
import { checkConnectionForm, connectionFormDefaults, type ConnectionFormValues } from "./connection-form.schema";

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
