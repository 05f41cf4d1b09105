// Webhooks end to end against a real HTTP receiver on 127.0.0.1: the receiver checks the Standard
// Webhooks signature with its own HMAC code (and the timestamp) and the body against the event's
// envelope; retries, timeouts, permanent refusals, replays, the fan-out, auto-disable, secret
// rotation, permissions and the risk-alert subscription of the configuration.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { reloadConfig } from "@/lib/config";
import { eventEnvelope, findIdentityEvent, recordIdentityEvent, runDueIdentityEvents } from "@/lib/events";
import { eraseAccountsDue, requestAccountDeletion } from "@/lib/sign-in";
import {
  createSubscription,
  deleteSubscription,
  deliverDueWebhooks,
  fanOut,
  listDeliveries,
  listSubscriptions,
  replayDelivery,
  replaySince,
  rotateSubscriptionSecret,
  sendTestEvent,
  syncConfiguredWebhook,
  updateSubscription,
  type WebhookPrincipal,
} from "./index";

const t = useTestDatabase();
const ADMIN_ID = "00000000-0000-4000-8000-00000000aa01";
const admin: WebhookPrincipal = { admin: { id: ADMIN_ID, roles: ["admin"] } };
const ctx = {};

// --- the receiver: its own verification, independent of lib/webhooks/signing.ts
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
let server: http.Server;
let base: string;
const received: Received[] = [];
/** Status per path (a list is consumed in order; "hang" never answers). */
const script = new Map<string, (number | "hang")[]>();

function keyOf(secret: string): Buffer {
  // Standard Webhooks: the key is the base64 after "whsec_".
  return Buffer.from(secret.replace(/^whsec_/, ""), "base64");
}
/** The receiver's check: some v1 signature in the header is HMAC-SHA256(key, "id.timestamp.body"), and the timestamp is within 5 minutes. */
function verifies(r: Received, key: Buffer): boolean {
  const id = String(r.headers["webhook-id"]);
  const ts = Number(r.headers["webhook-timestamp"]);
  if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > 300) return false;
  const expected = crypto.createHmac("sha256", key).update(`${id}.${ts}.${r.body}`).digest();
  return String(r.headers["webhook-signature"] ?? "")
    .split(" ")
    .some((sig) => {
      const [version, value] = sig.split(",");
      const got = Buffer.from(value ?? "", "base64");
      return version === "v1" && got.length === expected.length && crypto.timingSafeEqual(got, expected);
    });
}

beforeAll(async () => {
  process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
  reloadConfig();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const next = script.get(path)?.shift() ?? 204;
      if (next === "hang") return; // never answers
      res.writeHead(next).end(next >= 400 ? "no" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await t.db().user.create({ data: { id: ADMIN_ID, email: "hooks-admin@example.com", emailVerifiedAt: new Date(), roles: { create: { role: "admin" } } } });
  await t.db().user.create({ data: { email: "hooks-auditor@example.com", emailVerifiedAt: new Date(), roles: { create: { role: "auditor" } } } });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  delete process.env.OUTBOUND_ALLOW_LOOPBACK;
  delete process.env.RISK_ALERT_WEBHOOK_URL;
  delete process.env.RISK_ALERT_WEBHOOK_SECRET;
  reloadConfig();
});

beforeEach(async () => {
  received.length = 0;
  script.clear();
  // Each test its own subscriptions (their deliveries go with them).
  await t.db().webhookSubscription.deleteMany();
});

let counter = 0;
async function subscribe(types: string[], path = `/hook-${++counter}`) {
  const { subscription, secret } = await createSubscription(admin, { url: `${base}${path}`, description: "test", eventTypes: types }, ctx);
  return { ...subscription, secret, path };
}

async function event(type: "user.profile_updated" | "user.deletion_cancelled" = "user.profile_updated") {
  const e = await recordIdentityEvent(type === "user.profile_updated" ? { type, userId: crypto.randomUUID(), data: { fields: ["locale"] } } : { type, userId: crypto.randomUUID(), data: {} });
  await runDueIdentityEvents(100);
  return (await findIdentityEvent(e!.id))!;
}

const due = () => t.db().webhookDelivery.updateMany({ where: { status: "pending" }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
const deliveriesOf = (subscriptionId: string) => t.db().webhookDelivery.findMany({ where: { subscriptionId }, orderBy: { createdAt: "asc" } });

describe(`webhooks on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("fans an event out once, only to enabled subscriptions that want its type; the receiver verifies signature, timestamp and body", async () => {
    const wants = await subscribe(["user.profile_updated", "user.deleted"]);
    const other = await subscribe(["user.deletion_cancelled"]);
    const off = await subscribe(["user.profile_updated"]);
    await updateSubscription(admin, off.id, { enabled: false }, ctx);

    const e = await event();
    await fanOut(e); // published again (a sink must be idempotent): nothing more
    expect(await deliveriesOf(wants.id)).toHaveLength(1);
    expect(await deliveriesOf(other.id)).toHaveLength(0);
    expect(await deliveriesOf(off.id)).toHaveLength(0);

    expect(await deliverDueWebhooks()).toEqual({ done: 1, failed: 0 });
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.path).toBe(wants.path);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["webhook-id"]).toBe(e.id);
    expect(verifies(r, keyOf(wants.secret))).toBe(true);
    expect(verifies(r, keyOf(other.secret))).toBe(false);
    expect(JSON.parse(r.body)).toEqual(JSON.parse(JSON.stringify(eventEnvelope(e))));
    const [row] = await deliveriesOf(wants.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 0, lastStatusCode: 204, lastError: null });
    expect(row!.lastDurationMs).toBeGreaterThanOrEqual(0);
    // The secret is stored sealed, never as given.
    const stored = await t.db().webhookSubscription.findUniqueOrThrow({ where: { id: wants.id } });
    expect(stored.secret).not.toContain(wants.secret.slice(6, 20));
    expect(wants.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(keyOf(wants.secret)).toHaveLength(32);
  });

  it("retries after a 500 and is delivered on the next attempt; a success ends the failing run", async () => {
    const sub = await subscribe(["user.profile_updated"]);
    script.set(sub.path, [500, 200]);
    await event();
    expect(await deliverDueWebhooks()).toEqual({ done: 0, failed: 1 });
    let [row] = await deliveriesOf(sub.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastError: expect.stringMatching(/^HTTP 500/) });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(await t.db().webhookSubscription.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({ consecutiveFailures: 1, failingSince: expect.any(Date) });
    await due();
    expect(await deliverDueWebhooks()).toEqual({ done: 1, failed: 0 });
    [row] = await deliveriesOf(sub.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([row!.eventId, row!.eventId]);
    expect(received.every((r) => verifies(r, keyOf(sub.secret)))).toBe(true);
    expect(await t.db().webhookSubscription.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: expect.any(Date) });
  });

  it("retries after a timeout (a receiver that never answers)", async () => {
    const sub = await subscribe(["user.profile_updated"]);
    script.set(sub.path, ["hang", 200]);
    await event();
    expect(await deliverDueWebhooks({ timeoutMs: 300 })).toEqual({ done: 0, failed: 1 });
    const [row] = await deliveriesOf(sub.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: expect.stringMatching(/timed out/) });
    await due();
    expect(await deliverDueWebhooks({ timeoutMs: 2000 })).toEqual({ done: 1, failed: 0 });
  });

  it("gives up at once on a permanent refusal (400), and keeps retrying 429", async () => {
    const refused = await subscribe(["user.deletion_cancelled"]);
    const limited = await subscribe(["user.deletion_cancelled"]);
    script.set(refused.path, [400]);
    script.set(limited.path, [429]);
    await event("user.deletion_cancelled");
    expect(await deliverDueWebhooks()).toEqual({ done: 0, failed: 2 });
    expect((await deliveriesOf(refused.id))[0]).toMatchObject({ status: "failed", attempts: 1, lastStatusCode: 400 });
    expect((await deliveriesOf(limited.id))[0]).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 429 });
  });

  it("replays one delivery as a new row referencing it, with the same webhook-id; and replays every retained event since a time", async () => {
    const sub = await subscribe(["user.profile_updated"]);
    const e1 = await event();
    const e2 = await event();
    await event("user.deletion_cancelled"); // not its type
    await deliverDueWebhooks();
    const [first] = await deliveriesOf(sub.id);
    const replay = await replayDelivery(admin, sub.id, first!.id, ctx);
    expect(replay).toMatchObject({ eventId: first!.eventId, replayOf: first!.id, trigger: "replay", status: "pending" });
    received.length = 0;
    await deliverDueWebhooks();
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([first!.eventId]);
    expect(received[0]!.body).toBe(first!.body);
    expect(await t.db().auditEvent.count({ where: { action: "webhook.replayed", targetId: sub.id } })).toBe(1);

    const since = await replaySince(admin, sub.id, new Date(Date.now() - 3600_000), ctx);
    // Every user.profile_updated event of this file so far (the earlier tests' too), none of the other type.
    const expected = await t.db().identityEvent.count({ where: { type: "user.profile_updated" } });
    expect(since).toEqual({ queued: expected, truncated: false });
    const rows = await t.db().webhookDelivery.findMany({ where: { subscriptionId: sub.id, trigger: "replay_since" } });
    expect(rows.map((r) => r.eventId)).toEqual(expect.arrayContaining([e1.id, e2.id]));
    expect(rows.every((r) => r.eventType === "user.profile_updated")).toBe(true);
    await expect(replaySince(admin, sub.id, new Date(Date.now() - 31 * 24 * 3600_000), ctx)).rejects.toMatchObject({ code: "invalid_input", field: "since" });

    const log = await listDeliveries(admin, sub.id, { take: 2 });
    expect(log.deliveries).toHaveLength(2);
    expect(log.next).not.toBeNull();
    const test = await sendTestEvent(admin, sub.id, ctx);
    expect(test).toMatchObject({ eventType: "webhook.test", trigger: "test" });
  });

  it("an erased person's deliveries go with their events: none is sent or replayed afterwards; the user.deleted event is sent", async () => {
    const sub = await subscribe(["user.profile_updated", "user.deleted"]);
    const person = await t.db().user.create({ data: { email: `erased-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
    await recordIdentityEvent({ type: "user.profile_updated", userId: person.id, data: { fields: ["locale"] } });
    await runDueIdentityEvents(100);
    script.set(`/hook-${counter}`, [500]);
    await deliverDueWebhooks();
    const [failed] = await deliveriesOf(sub.id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1 });

    await requestAccountDeletion({ id: person.id, roles: [] }, person.id, {}, new Date());
    await eraseAccountsDue(new Date(Date.now() + 31 * 86_400_000));
    await runDueIdentityEvents(100);
    const left = await deliveriesOf(sub.id);
    expect(left.map((d) => d.eventType).filter((type) => type !== "user.deletion_requested")).toEqual(["user.deleted"]);
    await expect(replayDelivery(admin, sub.id, failed!.id, ctx)).rejects.toMatchObject({ code: "not_found" });
    received.length = 0;
    await due();
    await deliverDueWebhooks();
    expect(received.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(["user.deleted"]);
  });

  it("disables a subscription failing for longer than WEBHOOK_DISABLE_AFTER_HOURS, audits it and mails the administrators once", async () => {
    const sub = await subscribe(["user.profile_updated"]);
    script.set(sub.path, [503, 503, 503]);
    await event();
    // Failing for 6 days already (the default limit is 120 hours), with enough attempts.
    await t.db().webhookSubscription.update({ where: { id: sub.id }, data: { consecutiveFailures: 9, failingSince: new Date(Date.now() - 6 * 24 * 3600_000) } });
    await t.db().webhookDelivery.create({ data: { subscriptionId: sub.id, eventId: crypto.randomUUID(), eventType: "user.profile_updated", body: "{}", trigger: "test", nextAttemptAt: new Date(Date.now() + 3600_000) } });
    await deliverDueWebhooks();
    const row = await t.db().webhookSubscription.findUniqueOrThrow({ where: { id: sub.id } });
    expect(row).toMatchObject({ enabled: false, consecutiveFailures: 10, disabledReason: expect.stringMatching(/more than 120 hours/) });
    const audit = await t.db().auditEvent.findMany({ where: { action: "webhook.disabled", targetId: sub.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "system", details: { reason: "failing", consecutiveFailures: 10 } });
    const mails = await t.db().mailMessage.findMany({ where: { template: "webhook-disabled" } });
    // To the administrator (webhooks:write), not the auditor (webhooks:read only).
    expect(mails.map((m) => m.to)).toEqual(["hooks-admin@example.com"]);
    expect(mails[0]!.text).toContain(sub.path);
    // The other pending delivery is given up; the subscription gets no more events.
    expect((await deliveriesOf(sub.id)).map((d) => d.status)).toEqual(["failed", "failed"]);
    await event();
    expect(await deliveriesOf(sub.id)).toHaveLength(2);
    await deliverDueWebhooks();
    expect(await t.db().mailMessage.count({ where: { template: "webhook-disabled" } })).toBe(1);
    // Enabled again: a fresh start.
    const on = await updateSubscription(admin, sub.id, { enabled: true }, ctx);
    expect(on).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null, disabledReason: null });
  });

  it("after a rotation both secrets sign for 24 hours, then only the new one", async () => {
    const sub = await subscribe(["user.profile_updated"]);
    const rotated = await rotateSubscriptionSecret(admin, sub.id, ctx);
    expect(rotated.secret).not.toBe(sub.secret);
    expect(Date.parse(rotated.subscription.previousSecretValidUntil!) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    await event();
    await deliverDueWebhooks();
    const r = received.at(-1)!;
    expect(String(r.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifies(r, keyOf(sub.secret))).toBe(true);
    expect(verifies(r, keyOf(rotated.secret))).toBe(true);
    await t.db().webhookSubscription.update({ where: { id: sub.id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
    await event();
    await deliverDueWebhooks();
    const later = received.at(-1)!;
    expect(String(later.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verifies(later, keyOf(rotated.secret))).toBe(true);
    expect(verifies(later, keyOf(sub.secret))).toBe(false);
    expect(await t.db().auditEvent.count({ where: { action: "webhook.secret_rotated", targetId: sub.id } })).toBe(1);
  });

  it("checks input beside the field", async () => {
    const bad = (input: object) => createSubscription(admin, input, ctx);
    await expect(bad({ url: "ftp://x.example.com", eventTypes: ["user.deleted"] })).rejects.toMatchObject({ code: "invalid_input", field: "url" });
    await expect(bad({ url: "http://hooks.example.com/x", eventTypes: ["user.deleted"] })).rejects.toMatchObject({ field: "url", message: expect.stringMatching(/https/) });
    await expect(bad({ url: "https://169.254.169.254/x", eventTypes: ["user.deleted"] })).rejects.toMatchObject({ field: "url" });
    await expect(bad({ url: "https://hooks.example.com/x", eventTypes: [] })).rejects.toMatchObject({ field: "eventTypes" });
    await expect(bad({ url: "https://hooks.example.com/x", eventTypes: ["user.nonsense"] })).rejects.toMatchObject({ field: "eventTypes" });
    await expect(updateSubscription(admin, crypto.randomUUID(), { description: "x" }, ctx)).rejects.toMatchObject({ code: "not_found" });
    await expect(updateSubscription(admin, "not-a-uuid", { description: "x" }, ctx)).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses those without the permission; the auditor reads, only the super administrator writes; an API client needs portico:webhooks", async () => {
    const sub = await subscribe(["user.deleted"]);
    const helpDesk: WebhookPrincipal = { admin: { id: crypto.randomUUID(), roles: ["help_desk"] } };
    const auditor: WebhookPrincipal = { admin: { id: crypto.randomUUID(), roles: ["auditor"] } };
    const analyst: WebhookPrincipal = { admin: { id: crypto.randomUUID(), roles: ["security_analyst"] } };
    const input = { url: "https://hooks.example.com/x", eventTypes: ["user.deleted"] };
    await expect(listSubscriptions(helpDesk)).rejects.toMatchObject({ code: "forbidden", permission: "webhooks:read" });
    expect((await listSubscriptions(auditor)).map((s) => s.id)).toContain(sub.id);
    for (const p of [auditor, analyst, helpDesk]) {
      await expect(createSubscription(p, input, ctx)).rejects.toMatchObject({ code: "forbidden" });
      await expect(rotateSubscriptionSecret(p, sub.id, ctx)).rejects.toMatchObject({ code: "forbidden" });
      await expect(deleteSubscription(p, sub.id, ctx)).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(listDeliveries({ client: { clientId: "reporting", scopes: ["portico:analytics"] } }, sub.id)).rejects.toMatchObject({ code: "forbidden" });
    const client: WebhookPrincipal = { client: { clientId: "automation", scopes: ["portico:webhooks"] } };
    const made = await createSubscription(client, input, ctx);
    expect(made.subscription).toMatchObject({ source: "api", createdBy: "client:automation" });
    expect(await t.db().auditEvent.findFirstOrThrow({ where: { action: "webhook.created", targetId: made.subscription.id } })).toMatchObject({ actorType: "system", actorId: "automation" });
    await deleteSubscription(admin, made.subscription.id, ctx);
    expect(await t.db().auditEvent.count({ where: { action: "webhook.deleted", targetId: made.subscription.id } })).toBe(1);
  });

  it("RISK_ALERT_WEBHOOK_* is a read-only subscription to risk.alert, kept in sync, its key the variable's text", async () => {
    const key = "risk-webhook-secret-0123456789abcdef";
    process.env.RISK_ALERT_WEBHOOK_URL = `${base}/risk`;
    process.env.RISK_ALERT_WEBHOOK_SECRET = key;
    reloadConfig();
    expect(await syncConfiguredWebhook()).toBe("created");
    expect(await syncConfiguredWebhook()).toBe("unchanged");
    const [sub] = await t.db().webhookSubscription.findMany({ where: { source: "config" } });
    expect(sub).toMatchObject({ url: `${base}/risk`, eventTypes: ["risk.alert"], enabled: true });
    const e = await recordIdentityEvent({ type: "risk.alert", userId: crypto.randomUUID(), data: { assessmentId: crypto.randomUUID(), score: 90, band: "high", action: "deny" } });
    await runDueIdentityEvents(100);
    await deliverDueWebhooks();
    const r = received.find((x) => x.path === "/risk")!;
    // An existing receiver's check: HMAC keyed with the text of RISK_ALERT_WEBHOOK_SECRET.
    expect(verifies(r, Buffer.from(key, "utf8"))).toBe(true);
    expect(JSON.parse(r.body)).toMatchObject({ id: e!.id, type: "risk.alert", version: 1, data: { score: 90, band: "high", action: "deny" } });
    // Read-only in the console and the API, except switching it off and on.
    await expect(updateSubscription(admin, sub!.id, { url: "https://elsewhere.example.com/" }, ctx)).rejects.toMatchObject({ code: "read_only" });
    await expect(rotateSubscriptionSecret(admin, sub!.id, ctx)).rejects.toMatchObject({ code: "read_only" });
    await expect(deleteSubscription(admin, sub!.id, ctx)).rejects.toMatchObject({ code: "read_only" });
    // The configuration changes: the subscription follows; removed: disabled; back: enabled.
    process.env.RISK_ALERT_WEBHOOK_URL = `${base}/risk-2`;
    reloadConfig();
    expect(await syncConfiguredWebhook()).toBe("updated");
    expect((await t.db().webhookSubscription.findUniqueOrThrow({ where: { id: sub!.id } })).url).toBe(`${base}/risk-2`);
    delete process.env.RISK_ALERT_WEBHOOK_URL;
    delete process.env.RISK_ALERT_WEBHOOK_SECRET;
    reloadConfig();
    expect(await syncConfiguredWebhook()).toBe("disabled");
    expect(await t.db().webhookSubscription.findUniqueOrThrow({ where: { id: sub!.id } })).toMatchObject({ enabled: false });
    process.env.RISK_ALERT_WEBHOOK_URL = `${base}/risk-2`;
    process.env.RISK_ALERT_WEBHOOK_SECRET = key;
    reloadConfig();
    expect(await syncConfiguredWebhook()).toBe("updated");
    expect(await t.db().webhookSubscription.findUniqueOrThrow({ where: { id: sub!.id } })).toMatchObject({ enabled: true });
    expect(await t.db().webhookSubscription.count({ where: { source: "config" } })).toBe(1);
  });
});
