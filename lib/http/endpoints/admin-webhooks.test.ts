// The admin API's webhooks below HTTP: a real client_credentials token, the portico:webhooks scope
// only an administrator can allow, RFC 9457 problems for a bad scope, a bad body and an unknown id,
// and the changes audited as the application.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { recordIdentityEvent } from "@/lib/events";
import { useTestDatabase } from "@/test/db";
import { createApplication, setApplicationAdminScopes, type ApplicationDto } from "@/lib/applications";
import { ensureSigningKeys } from "@/lib/keys";
import { handleTokenRequest } from "@/lib/oidc";
import { collection, deliveries, deliveryReplay, item, replay, rotateSecret } from "./admin-webhooks";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const BASE = "http://localhost/api/admin/v1/webhooks";
let automation: ApplicationDto;
let reporting: ApplicationDto;

const input = (name: string) => ({ name, type: "confidential", redirectUris: [], grantTypes: ["client_credentials"], allowedScopes: ["reports:read"] });

beforeAll(async () => {
  await ensureSigningKeys();
  automation = (await createApplication(admin, input("Automation"), {})).application;
  reporting = (await createApplication(admin, input("Reporting"), {})).application;
  automation = await setApplicationAdminScopes(admin, automation.id, ["portico:webhooks"], {});
  reporting = await setApplicationAdminScopes(admin, reporting.id, ["portico:analytics"], {});
});

async function tokenFor(app: ApplicationDto, scope: string): Promise<string> {
  return (await handleTokenRequest(app, { grant_type: "client_credentials", scope }, {})).access_token;
}

function req(path: string, token: string | null, init: { method?: string; body?: unknown; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
  return new Request(`${BASE}${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body) });
}

function problemOf(res: { status: number; headers: Record<string, string>; body: string | null }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers["Content-Type"]).toBe("application/problem+json");
  const body = JSON.parse(res.body!) as Record<string, unknown>;
  expect(body).toMatchObject({ type: "about:blank", status, title: expect.any(String), detail: expect.any(String) });
  return body;
}

describe("/api/admin/v1/webhooks", () => {
  it("creates, lists, reads, edits, rotates, shows deliveries, replays and deletes; audited as the application", async () => {
    const token = await tokenFor(automation, "portico:webhooks");
    const created = await collection.POST(req("", token, { method: "POST", body: { url: "https://hooks.example.com/portico", description: "CRM", eventTypes: ["user.deleted", "user.created"] } }));
    expect(created.status).toBe(201);
    const sub = JSON.parse(created.body!);
    expect(sub).toMatchObject({ url: "https://hooks.example.com/portico", description: "CRM", eventTypes: ["user.created", "user.deleted"], enabled: true, source: "api", secret: expect.stringMatching(/^whsec_/) });
    expect(await t.db().auditEvent.findFirstOrThrow({ where: { action: "webhook.created", targetId: sub.id } })).toMatchObject({ actorType: "system", actorId: automation.clientId, details: expect.objectContaining({ clientId: automation.clientId }) });

    const list = JSON.parse((await collection.GET(req("", token))).body!);
    expect(list.webhooks.map((w: { id: string }) => w.id)).toEqual([sub.id]);
    expect(JSON.stringify(list)).not.toContain("whsec_");
    expect(JSON.parse((await item.GET(req(`/${sub.id}`, token))).body!)).toMatchObject({ id: sub.id, description: "CRM" });

    const patched = await item.PATCH(req(`/${sub.id}`, token, { method: "PATCH", body: { description: "CRM sync", enabled: false } }));
    expect(JSON.parse(patched.body!)).toMatchObject({ description: "CRM sync", enabled: false });
    expect(await t.db().auditEvent.count({ where: { targetId: sub.id, action: { in: ["webhook.updated", "webhook.disabled"] } } })).toBe(2);
    await item.PATCH(req(`/${sub.id}`, token, { method: "PATCH", body: { enabled: true } }));

    const rotated = JSON.parse((await rotateSecret.POST(req(`/${sub.id}/rotate-secret`, token, { method: "POST" }))).body!);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(sub.secret);
    expect(rotated.previousSecretValidUntil).toEqual(expect.any(String));

    // A replay sends only an event still kept: a real one.
    const kept = await recordIdentityEvent({ type: "user.created", userId: crypto.randomUUID(), data: { source: "admin" } });
    const delivery = await t.db().webhookDelivery.create({ data: { subscriptionId: sub.id, eventId: kept!.id, eventType: "user.created", body: "{}", status: "failed", attempts: 3, lastStatusCode: 500 } });
    const log = JSON.parse((await deliveries.GET(req(`/${sub.id}/deliveries?limit=10`, token))).body!);
    expect(log.deliveries).toEqual([expect.objectContaining({ id: delivery.id, status: "failed", attempts: 3, lastStatusCode: 500 })]);
    const replayed = await deliveryReplay.POST(req(`/${sub.id}/deliveries/${delivery.id}/replay`, token, { method: "POST" }));
    expect(replayed.status).toBe(202);
    expect(JSON.parse(replayed.body!)).toMatchObject({ eventId: delivery.eventId, replayOf: delivery.id, status: "pending" });
    const since = await replay.POST(req(`/${sub.id}/replay`, token, { method: "POST", body: { since: new Date(Date.now() - 3600_000).toISOString() } }));
    expect(since.status).toBe(202);
    const replayedSince = JSON.parse(since.body!) as { queued: number; truncated: boolean };
    expect(replayedSince.truncated).toBe(false);
    expect(replayedSince.queued).toBeGreaterThanOrEqual(1); // at least the user.created event kept above

    const deleted = await item.DELETE(req(`/${sub.id}`, token, { method: "DELETE" }));
    expect(deleted.status).toBe(204);
    problemOf(await item.GET(req(`/${sub.id}`, token)), 404);
    expect(await t.db().auditEvent.count({ where: { targetId: sub.id, action: "webhook.deleted", actorId: automation.clientId } })).toBe(1);
  });

  it("401 without a token, 403 with a token lacking portico:webhooks (with the challenge)", async () => {
    const none = await collection.GET(req("", null));
    problemOf(none, 401);
    expect(none.headers["WWW-Authenticate"]).toBe('Bearer realm="portico"');
    problemOf(await collection.GET(req("", "not-a-token")), 401);
    const wrong = await collection.GET(req("", await tokenFor(reporting, "portico:analytics")));
    expect(problemOf(wrong, 403)).toMatchObject({ error: "insufficient_scope" });
    expect(wrong.headers["WWW-Authenticate"]).toMatch(/error="insufficient_scope".*scope="portico:webhooks"/);
    // The scope cannot be asked for by an application an administrator did not allow it to.
    await expect(handleTokenRequest(reporting, { grant_type: "client_credentials", scope: "portico:webhooks" }, {})).rejects.toMatchObject({ error: "invalid_scope" });
  });

  it("problems for a bad body, an unknown id and a configuration subscription", async () => {
    const token = await tokenFor(automation, "portico:webhooks");
    problemOf(await collection.POST(req("", token, { method: "POST", body: "{not json" })), 400);
    problemOf(await collection.POST(req("", token, { method: "POST", body: "url=x", contentType: "application/x-www-form-urlencoded" })), 415);
    const invalid = problemOf(await collection.POST(req("", token, { method: "POST", body: { url: "https://hooks.example.com/", eventTypes: ["nope"] } })), 400);
    expect(invalid).toMatchObject({ field: "eventTypes" });
    expect(problemOf(await collection.POST(req("", token, { method: "POST", body: { url: "https://hooks.example.com/", eventTypes: ["user.deleted"], secret: "mine" } })), 400)).toMatchObject({ detail: expect.any(String) });
    problemOf(await item.GET(req(`/${crypto.randomUUID()}`, token)), 404);
    problemOf(await item.PATCH(req("/not-an-id", token, { method: "PATCH", body: { description: "x" } })), 404);
    problemOf(await deliveries.GET(req(`/${crypto.randomUUID()}/deliveries`, token)), 404);
    problemOf(await deliveries.GET(req(`/${crypto.randomUUID()}/deliveries?limit=lots`, token)), 400);
    problemOf(await deliveryReplay.POST(req(`/${crypto.randomUUID()}/deliveries/${crypto.randomUUID()}/replay`, token, { method: "POST" })), 404);
    const made = JSON.parse((await collection.POST(req("", token, { method: "POST", body: { url: "https://hooks.example.com/", eventTypes: ["user.deleted"] } }))).body!);
    expect(problemOf(await replay.POST(req(`/${made.id}/replay`, token, { method: "POST", body: { since: "yesterday" } })), 400)).toMatchObject({ field: "since" });
    problemOf(await deliveryReplay.POST(req(`/${made.id}/deliveries/${crypto.randomUUID()}/replay`, token, { method: "POST" })), 404);
    const config = await t.db().webhookSubscription.create({ data: { url: "https://siem.example.com/", eventTypes: ["risk.alert"], secret: "sealed", source: "config" } });
    problemOf(await item.PATCH(req(`/${config.id}`, token, { method: "PATCH", body: { url: "https://elsewhere.example.com/" } })), 409);
  });
});
