import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { sha256Hex } from "@/lib/crypto";
import {
  ApplicationError,
  createApplication,
  deleteApplication,
  findClientByClientId,
  getApplication,
  listApplications,
  rotateClientSecret,
  setApplicationDisabled,
  updateApplication,
} from "./index";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
const customer = { id: crypto.randomUUID(), roles: [] };
const ctx = { ip: "192.0.2.10", userAgent: "vitest" };
const web = { name: "Web shop", type: "confidential" as const, redirectUris: ["https://shop.example.com/cb"] };

/** The event as text, for "the secret is nowhere in it" checks (the id is a BigInt). */
const text = (event: object | undefined) => JSON.stringify({ ...event, id: undefined });

async function auditOf(action: string, targetId: string) {
  return t.db().auditEvent.findMany({ where: { action, targetId } });
}

describe("creating applications", () => {
  it("returns the secret once and stores only its SHA-256", async () => {
    const { application, clientSecret } = await createApplication(admin, web, ctx);
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(application.clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(application.hasSecret).toBe(true);
    expect(JSON.stringify(application)).not.toContain(clientSecret);
    expect(application).not.toHaveProperty("clientSecretHash");

    const row = await t.db().application.findUniqueOrThrow({ where: { id: application.id } });
    expect(row.clientSecretHash).not.toBe(clientSecret);
    expect(row.clientSecretHash).toBe(sha256Hex(clientSecret!));
    expect(row.createdVia).toBe("admin");

    // Reading the application back never yields the secret.
    const again = await getApplication(admin, application.id);
    expect(JSON.stringify(again)).not.toContain(clientSecret);
    expect(JSON.stringify(await findClientByClientId(application.clientId))).not.toContain(row.clientSecretHash);
  });

  it("writes an audit event without the secret", async () => {
    const { application, clientSecret } = await createApplication(admin, { ...web, name: "Audited" }, ctx);
    const [event] = await auditOf("application.created", application.id);
    expect(event).toMatchObject({ actorType: "admin", actorId: admin.id, ip: "192.0.2.10", result: "success" });
    expect(event!.details).toMatchObject({ clientId: application.clientId, name: "Audited" });
    expect(text(event)).not.toContain(clientSecret);
    expect(text(event)).not.toContain(sha256Hex(clientSecret!));
  });

  it("gives no secret to public clients or private_key_jwt clients", async () => {
    const spa = await createApplication(admin, { name: "SPA", type: "public", redirectUris: ["https://spa.example.com/cb"] }, ctx);
    expect(spa.clientSecret).toBeUndefined();
    expect(spa.application).toMatchObject({ tokenEndpointAuthMethod: "none", hasSecret: false });
    const { privateKey: _p, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const jwt = await createApplication(admin, { ...web, name: "JWT", tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys: [jwk] } }, ctx);
    expect(jwt.clientSecret).toBeUndefined();
    expect(jwt.application.jwks?.keys[0]).toMatchObject({ kty: "EC", crv: "P-256" });
  });

  it("refuses invalid input with field errors", async () => {
    const err = await createApplication(admin, { ...web, redirectUris: ["https://shop.example.com/cb#frag"], accessTokenTtlSeconds: 5 }, ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationError);
    expect(err.code).toBe("invalid_input");
    expect(Object.keys(err.details.fieldErrors).sort()).toEqual(["accessTokenTtlSeconds", "redirectUris"]);
  });

  it("is for administrators only", async () => {
    await expect(createApplication(customer, web, ctx)).rejects.toMatchObject({ code: "forbidden" });
    await expect(listApplications(customer)).rejects.toMatchObject({ code: "forbidden" });
    const { application } = await createApplication(admin, { ...web, name: "Guarded" }, ctx);
    await expect(getApplication(customer, application.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(updateApplication(customer, application.id, web, ctx)).rejects.toMatchObject({ code: "forbidden" });
    await expect(setApplicationDisabled(customer, application.id, true, ctx)).rejects.toMatchObject({ code: "forbidden" });
    await expect(rotateClientSecret(customer, application.id, ctx)).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteApplication(customer, application.id, ctx)).rejects.toMatchObject({ code: "forbidden" });
    expect(await getApplication(admin, application.id)).toMatchObject({ name: "Guarded", disabled: false });
  });
});

describe("changing applications", () => {
  it("updates settings and records which fields changed", async () => {
    const { application } = await createApplication(admin, { ...web, name: "Before" }, ctx);
    const { application: after, clientSecret } = await updateApplication(
      admin,
      application.id,
      { ...web, name: "After", redirectUris: ["https://shop.example.com/cb", "https://shop.example.com/cb2"], accessTokenTtlSeconds: 300 },
      ctx,
    );
    expect(clientSecret).toBeUndefined();
    expect(after).toMatchObject({ name: "After", accessTokenTtlSeconds: 300, hasSecret: true });
    const [event] = await auditOf("application.updated", application.id);
    expect((event!.details as { changed: string[] }).changed.sort()).toEqual(["accessTokenTtlSeconds", "name", "redirectUris"]);
  });

  it("issues a secret when a public client becomes confidential, and drops it when it goes back", async () => {
    const { application } = await createApplication(admin, { name: "Switch", type: "public", redirectUris: ["https://s.example.com/cb"] }, ctx);
    const toConfidential = await updateApplication(admin, application.id, { name: "Switch", type: "confidential", redirectUris: ["https://s.example.com/cb"] }, ctx);
    expect(toConfidential.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(toConfidential.application.hasSecret).toBe(true);
    const toPublic = await updateApplication(admin, application.id, { name: "Switch", type: "public", redirectUris: ["https://s.example.com/cb"] }, ctx);
    expect(toPublic.clientSecret).toBeUndefined();
    const row = await t.db().application.findUniqueOrThrow({ where: { id: application.id } });
    expect(row.clientSecretHash).toBeNull();
  });

  it("rotates the secret: a new one, shown once, audited", async () => {
    const { application, clientSecret } = await createApplication(admin, { ...web, name: "Rotate" }, ctx);
    const rotated = await rotateClientSecret(admin, application.id, ctx);
    expect(rotated.clientSecret).not.toBe(clientSecret);
    const row = await t.db().application.findUniqueOrThrow({ where: { id: application.id } });
    expect(row.clientSecretHash).toBe(sha256Hex(rotated.clientSecret));
    expect(row.clientSecretRotatedAt).not.toBeNull();
    const [event] = await auditOf("application.secret_rotated", application.id);
    expect(text(event)).not.toContain(rotated.clientSecret);
  });

  it("has no secret to rotate for a public client", async () => {
    const { application } = await createApplication(admin, { name: "Public", type: "public", redirectUris: ["https://p.example.com/cb"] }, ctx);
    await expect(rotateClientSecret(admin, application.id, ctx)).rejects.toMatchObject({ code: "not_applicable" });
  });

  it("disables and enables, auditing only real changes", async () => {
    const { application } = await createApplication(admin, { ...web, name: "Toggle" }, ctx);
    expect((await setApplicationDisabled(admin, application.id, true, ctx)).disabled).toBe(true);
    expect((await setApplicationDisabled(admin, application.id, true, ctx)).disabled).toBe(true);
    expect((await findClientByClientId(application.clientId))?.disabled).toBe(true);
    expect(await auditOf("application.disabled", application.id)).toHaveLength(1);
    expect((await setApplicationDisabled(admin, application.id, false, ctx)).disabled).toBe(false);
    expect(await auditOf("application.enabled", application.id)).toHaveLength(1);
  });

  it("deletes, audits, and then knows nothing of the client", async () => {
    const { application } = await createApplication(admin, { ...web, name: "Doomed" }, ctx);
    await deleteApplication(admin, application.id, ctx);
    expect(await getApplication(admin, application.id)).toBeNull();
    expect(await findClientByClientId(application.clientId)).toBeNull();
    const [event] = await auditOf("application.deleted", application.id);
    expect(event!.details).toMatchObject({ clientId: application.clientId, name: "Doomed" });
    await expect(deleteApplication(admin, application.id, ctx)).rejects.toMatchObject({ code: "not_found" });
  });

  it("takes progressive profiling's rows about it along (sign-in counters, skipped questions), and only its own", async () => {
    const doomed = (await createApplication(admin, { ...web, name: "Doomed profiler" }, ctx)).application;
    const kept = (await createApplication(admin, { ...web, name: "Kept profiler" }, ctx)).application;
    const user = await t.db().user.create({ data: { email: `profiled-${crypto.randomBytes(4).toString("hex")}@example.com` } });
    for (const app of [doomed, kept]) {
      await t.db().applicationSignIn.create({ data: { userId: user.id, clientId: app.clientId, count: 3 } });
      await t.db().profilePromptSkip.create({ data: { userId: user.id, clientId: app.clientId, attribute: "loyalty_tier" } });
    }
    await deleteApplication(admin, doomed.id, ctx);
    const rows = async (clientId: string) => [await t.db().applicationSignIn.count({ where: { clientId } }), await t.db().profilePromptSkip.count({ where: { clientId } })];
    expect(await rows(doomed.clientId)).toEqual([0, 0]);
    expect(await rows(kept.clientId)).toEqual([1, 1]);
    // No row can name an application that does not exist (the foreign key refuses it).
    await expect(t.db().applicationSignIn.create({ data: { userId: user.id, clientId: doomed.clientId } })).rejects.toMatchObject({ code: "P2003" });
  });

  it("answers not_found for an unknown or malformed id", async () => {
    await expect(updateApplication(admin, crypto.randomUUID(), web, ctx)).rejects.toMatchObject({ code: "not_found" });
    await expect(rotateClientSecret(admin, "not-a-uuid", ctx)).rejects.toMatchObject({ code: "not_found" });
    expect(await getApplication(admin, "not-a-uuid")).toBeNull();
    expect(await findClientByClientId("x".repeat(101))).toBeNull();
  });

  it("lists applications by name", async () => {
    const names = (await listApplications(admin)).map((a) => a.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(names).toContain("Web shop");
  });
});
