// The risk engine on a real database and the real geo-IP file: a scripted sequence of sign-ins
// gets the expected decisions, lists and imports take effect, alerts are queued, and the
// simulation of a rule agrees with a replay once the rule is published.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { reloadConfig } from "@/lib/config";
import { recordAudit } from "@/lib/audit";
import { authenticateWithPassword, lockAccount, unlockWithToken, ADMIN_ROLE } from "@/lib/users";
import { hashPassword } from "@/lib/credentials";
import {
  addIpListEntries,
  applicationContext,
  assessSignIn,
  assessTokenRefresh,
  closeAbandonedSignIns,
  completeAssessment,
  createRiskRule,
  deviceHashOf,
  importCompromisedPasswords,
  ipListOf,
  locateIp,
  newDeviceCookieValue,
  removeIpListEntry,
  ipListEntries,
  saveRiskSettings,
  simulateRiskRule,
  forgetPolicyCache,
  listRecentAlerts,
} from "./index";
import nodeCrypto from "node:crypto";
import { runDueIdentityEvents } from "@/lib/events";
import { syncConfiguredWebhook, signatureOf, secretFromTextKey } from "@/lib/webhooks";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: [ADMIN_ROLE] };
const MADRID_IP = "81.45.3.1";
const TOKYO_IP = "1.0.16.1";
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const FIREFOX_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const day0 = new Date("2026-11-02T21:30:00Z");
const later = (minutes: number) => new Date(day0.getTime() + minutes * 60_000);

async function newUser(password = "lantern orchard violet 42") {
  return t.db().user.create({ data: { email: `risk-${crypto.randomUUID().slice(0, 8)}@example.com`, emailVerifiedAt: new Date(), passwordHash: await hashPassword(password) } });
}

/** One sign-in that succeeds if the engine lets it (the caller's part: completeAssessment). */
async function signIn(userId: string, ip: string, device: string | null, at: Date, opts: { ua?: string; password?: string; next?: string } = {}) {
  const a = await assessSignIn({ userId, method: "password", ctx: { ip, userAgent: opts.ua ?? CHROME_MAC }, deviceCookie: device, password: opts.password, next: opts.next, now: at });
  const hash = deviceHashOf(device);
  const done = a.action === "allow" || a.action === "mfa" || a.action === "strong_mfa" ? await completeAssessment(a.id, { hash: hash ?? deviceHashOf(newDeviceCookieValue())!, userAgent: opts.ua ?? CHROME_MAC }, at) : null;
  return { ...a, firstFromDevice: done?.firstFromDevice ?? false };
}

const WEBHOOK_SECRET = "risk-webhook-secret-0123456789abcdef";
beforeAll(async () => {
  process.env.RISK_ALERT_EMAIL = "security@example.com";
  process.env.RISK_ALERT_WEBHOOK_URL = "https://siem.example.com/hooks/portico";
  process.env.RISK_ALERT_WEBHOOK_SECRET = WEBHOOK_SECRET;
  reloadConfig();
  // What start-up does: the configured webhook becomes a subscription to risk.alert events.
  await syncConfiguredWebhook();
});
afterAll(() => {
  delete process.env.RISK_ALERT_EMAIL;
  delete process.env.RISK_ALERT_WEBHOOK_URL;
  delete process.env.RISK_ALERT_WEBHOOK_SECRET;
  reloadConfig();
});

describe("geo-IP and lists", () => {
  it("locates public addresses offline, and nothing for private ones", () => {
    expect(locateIp(MADRID_IP)).toMatchObject({ country: "ES" });
    expect(locateIp(TOKYO_IP)).toMatchObject({ country: "JP" });
    expect(locateIp(`::ffff:${MADRID_IP}`)).toMatchObject({ country: "ES" });
    expect(locateIp("2001:4860:4860::8888")).toMatchObject({ country: expect.stringMatching(/^[A-Z]{2}$/) });
    expect(locateIp("10.0.0.1")).toBeNull();
    expect(locateIp("not an ip")).toBeNull();
  });

  it("matches single addresses and CIDR ranges, IPv4 and IPv6; deny wins; invalid lines are reported", async () => {
    const r = await addIpListEntries(admin, "deny", "# tor exits\n198.51.100.7\n203.0.113.0/24\n2001:DB8:BAD::/48\nnonsense\n10.0.0.0/33\n", "test", {});
    expect(r).toEqual({ added: 3, invalid: ["nonsense", "10.0.0.0/33"] });
    await addIpListEntries(admin, "allow", "203.0.113.0/25\n192.0.2.0/24", "office", {});
    expect(await ipListOf("198.51.100.7")).toBe("deny");
    expect(await ipListOf("198.51.100.8")).toBeNull();
    expect(await ipListOf("203.0.113.200")).toBe("deny");
    expect(await ipListOf("203.0.113.5")).toBe("deny");
    expect(await ipListOf("2001:db8:bad:1::9")).toBe("deny");
    expect(await ipListOf("192.0.2.44")).toBe("allow");
    const entry = (await ipListEntries(admin, "deny")).find((e) => e.cidr === "198.51.100.7/32")!;
    await removeIpListEntry(admin, entry.id, {});
    expect(await ipListOf("198.51.100.7")).toBeNull();
    await expect(addIpListEntries({ id: admin.id, roles: [] }, "deny", "192.0.2.1", "", {})).rejects.toMatchObject({ code: "forbidden" });
    expect(await t.db().auditEvent.count({ where: { action: { in: ["risk.ip_list_added", "risk.ip_list_removed"] } } })).toBe(3);
  });
});

describe("a scripted sequence of sign-ins", () => {
  it("allow, allow, new device -> mfa (and the owner is told), impossible travel -> strong factor, deny list -> deny", async () => {
    const user = await newUser();
    const laptop = newDeviceCookieValue();
    // The account's first sign-in: nothing to compare with.
    expect((await signIn(user.id, MADRID_IP, laptop, day0)).action).toBe("allow");
    expect((await signIn(user.id, MADRID_IP, laptop, later(24 * 60))).action).toBe("allow");
    // Another browser, same city.
    const other = await signIn(user.id, MADRID_IP, null, later(48 * 60), { ua: FIREFOX_WIN });
    expect(other).toMatchObject({ action: "mfa", band: "medium", explanation: "new device (Firefox on Windows)", firstFromDevice: true });
    // Tokyo 30 minutes after Madrid, from yet another browser.
    const tokyo = await signIn(user.id, TOKYO_IP, null, later(48 * 60 + 30));
    expect(tokyo.action).toBe("strong_mfa");
    expect(tokyo.explanation).toMatch(/^impossible travel from .+, ES to .+, JP: 10,\d{3} km in 30 min \+ new device \(Chrome on macOS\)$/);
    // The high-risk sign-in was audited with its reasons and alerted by mail.
    const audit = await t.db().auditEvent.findFirstOrThrow({ where: { action: "risk.assessed", targetId: user.id, details: { path: ["assessmentId"], equals: tokyo.id } } });
    expect(audit.details).toMatchObject({ band: "high", signals: ["impossible_travel", "new_device"] });
    expect(await t.db().mailMessage.count({ where: { to: "security@example.com", template: "risk-alert", subject: { contains: user.email! } } })).toBe(1);
    // ... and recorded as a risk.alert identity event (ids and figures, no address or place), which
    // the configured webhook's subscription receives as the event's envelope.
    const event = await t.db().identityEvent.findFirstOrThrow({ where: { type: "risk.alert", userId: user.id, data: { path: ["assessmentId"], equals: tokyo.id } } });
    expect(event.data).toEqual({ assessmentId: tokyo.id, score: tokyo.score, band: "high", action: "strong_mfa" });
    await runDueIdentityEvents(100);
    const delivery = await t.db().webhookDelivery.findFirstOrThrow({ where: { eventId: event.id }, include: { subscription: true } });
    expect(delivery.subscription).toMatchObject({ source: "config", url: "https://siem.example.com/hooks/portico", eventTypes: ["risk.alert"] });
    expect(JSON.parse(delivery.body)).toEqual({ id: event.id, type: "risk.alert", version: 1, timestamp: event.occurredAt.toISOString(), userId: user.id, data: { assessmentId: tokyo.id, score: tokyo.score, band: "high", action: "strong_mfa" } });
    // The subscription's key is RISK_ALERT_WEBHOOK_SECRET's text, as before: an existing receiver keeps verifying.
    const ts = Math.floor(Date.now() / 1000);
    const before = `v1,${nodeCrypto.createHmac("sha256", WEBHOOK_SECRET).update(`${event.id}.${ts}.${delivery.body}`).digest("base64")}`;
    expect(signatureOf(secretFromTextKey(WEBHOOK_SECRET), event.id, ts, delivery.body)).toBe(before);
    // From a deny-listed range (added in the previous test): denied whatever else.
    const denied = await signIn(user.id, "203.0.113.9", laptop, later(5 * 24 * 60));
    expect(denied.action).toBe("deny");
    const row = await t.db().riskAssessment.findUniqueOrThrow({ where: { id: denied.id } });
    expect(row).toMatchObject({ outcome: "refused", band: "high" });
  });

  it("a sign-in abandoned at its second step is closed by the janitor after an hour, and never counts as history", async () => {
    const user = await newUser();
    const pending = await assessSignIn({ userId: user.id, method: "password", ctx: { ip: MADRID_IP }, deviceCookie: null, now: day0 });
    expect(await closeAbandonedSignIns(new Date(day0.getTime() + 30 * 60_000))).toBe(0);
    expect(await closeAbandonedSignIns(new Date(day0.getTime() + 61 * 60_000))).toBeGreaterThanOrEqual(1);
    expect(await t.db().riskAssessment.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ outcome: "refused" });
    expect((await completeAssessment(pending.id, { hash: deviceHashOf(newDeviceCookieValue())!, userAgent: CHROME_MAC })).firstFromDevice).toBe(false);
  });

  it("usual evening sign-ins, then one at 02:30 UTC: medium, a second factor", async () => {
    const user = await newUser();
    const laptop = newDeviceCookieValue();
    for (let d = 0; d < 12; d++) await signIn(user.id, MADRID_IP, laptop, new Date(Date.UTC(2026, 9, 1 + d, 21, (d * 10) % 60)));
    const night = await signIn(user.id, MADRID_IP, laptop, new Date(Date.UTC(2026, 9, 20, 2, 30)));
    expect(night).toMatchObject({ action: "mfa", band: "medium" });
    expect(night.explanation).toMatch(/^unusual time: 02:30 UTC/);
  });

  it("credential stuffing: many accounts failing from one address makes the next sign-in from it risky", async () => {
    const user = await newUser();
    const ip = "81.45.3.99";
    for (let i = 0; i < 6; i++) await recordAudit({ actor: { type: "anonymous" }, action: "login.failed", target: { type: "user", id: crypto.randomUUID() }, result: "failure", context: { ip } });
    const r = await assessSignIn({ userId: user.id, method: "password", ctx: { ip, userAgent: CHROME_MAC }, deviceCookie: null });
    expect(r.explanation).toBe("6 accounts failed to sign in from this address in 15 min");
    expect(r.action).toBe("mfa");
  });

  it("a compromised password (imported list, or a common one) means a password reset first", async () => {
    const leaked = "correct horse battery staple 1999";
    const user = await newUser(leaked);
    const sha1s = await importCompromisedPasswords(admin, `${leaked}\n# comment\n5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3861493\n`, "breach-2026", {});
    expect(sha1s).toMatchObject({ added: 2 });
    const r = await assessSignIn({ userId: user.id, method: "password", ctx: { ip: MADRID_IP }, deviceCookie: null, password: leaked });
    expect(r.action).toBe("reset_password");
    expect((await assessSignIn({ userId: user.id, method: "password", ctx: { ip: MADRID_IP }, deviceCookie: null, password: "password" })).action).toBe("reset_password");
    expect((await assessSignIn({ userId: user.id, method: "password", ctx: { ip: MADRID_IP }, deviceCookie: null, password: "a fine unbreached passphrase" })).action).toBe("allow");
  });

  it("takes the application and the transaction value from the authorization request", async () => {
    expect(applicationContext("/oauth2/authorize?client_id=bank&acr_values=urn%3Aportico%3Atxn%3Avalue%3A2500")).toEqual({ clientId: "bank", transactionValue: 2500 });
    expect(applicationContext("/account")).toEqual({ clientId: null, transactionValue: null });
    const user = await newUser();
    const r = await assessSignIn({ userId: user.id, method: "password", ctx: { ip: MADRID_IP }, deviceCookie: null, next: "/oauth2/authorize?client_id=bank&acr_values=urn:portico:txn:value:2500" });
    expect(r).toMatchObject({ action: "mfa", explanation: "transaction of 2,500 above 1,000" });
  });

  it("a locked account stays locked until the unlock link is used", async () => {
    const user = await newUser();
    await lockAccount({ ...user, email: user.email!, roles: [] }, {}, "risk");
    await expect(authenticateWithPassword({ email: user.email!, password: "lantern orchard violet 42" }, {})).rejects.toMatchObject({ code: "locked" });
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: user.email!, template: "account-locked" } });
    const token = mail.text.match(/unlock\?token=([A-Za-z0-9_-]{43})/)![1]!;
    await unlockWithToken(token, {});
    expect((await authenticateWithPassword({ email: user.email!, password: "lantern orchard violet 42" }, {})).id).toBe(user.id);
    expect(await t.db().auditEvent.count({ where: { action: "user.locked", targetId: user.id, details: { path: ["reason"], equals: "risk" } } })).toBe(1);
  });
});

describe("token refresh for high-value scopes", () => {
  it("is judged only for those scopes; from a public client far from the last sign-in it is refused; a confidential client's address is not held against it", async () => {
    await saveRiskSettings(admin, { highValueScopes: ["payments"] }, {});
    const user = await newUser();
    const at = new Date();
    await signIn(user.id, MADRID_IP, newDeviceCookieValue(), at);
    const later10 = new Date(at.getTime() + 10 * 60_000);
    const ctx = { ip: TOKYO_IP, userAgent: CHROME_MAC };
    expect(await assessTokenRefresh({ userId: user.id, clientId: "spa", publicClient: true, scopes: ["openid", "email"], ctx, now: later10 })).toBeNull();
    const risky = await assessTokenRefresh({ userId: user.id, clientId: "spa", publicClient: true, scopes: ["openid", "payments"], ctx, now: later10 });
    expect(risky).toMatchObject({ band: "high" });
    expect(risky!.action).not.toBe("allow");
    const server = await assessTokenRefresh({ userId: user.id, clientId: "web", publicClient: false, scopes: ["payments"], ctx, now: later10 });
    expect(server).toMatchObject({ action: "allow" });
    // Refreshes never become sign-in history: the Madrid sign-in is still the last one.
    const rows = await t.db().riskAssessment.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => `${r.method}:${r.outcome}`).sort()).toEqual(["password:succeeded", "refresh:refresh", "refresh:refused"]);
    await saveRiskSettings(admin, {}, {});
  });
});

describe("policy authoring", () => {
  it("settings are validated, versioned and audited; a stricter band action takes effect", async () => {
    await expect(saveRiskSettings(admin, { mediumAt: 70, highAt: 40 }, {})).rejects.toMatchObject({ code: "invalid_input", field: "highAt" });
    await saveRiskSettings(admin, { actions: { low: "allow", medium: "mfa", high: "deny" } }, {});
    const user = await newUser();
    await signIn(user.id, MADRID_IP, newDeviceCookieValue(), day0);
    expect((await signIn(user.id, TOKYO_IP, newDeviceCookieValue(), later(20))).action).toBe("deny");
    await saveRiskSettings(admin, {}, {});
    // Two versions here (stricter, then back to the defaults), each audited.
    const versions = await t.db().riskPolicyVersion.findMany({ orderBy: { version: "desc" }, take: 2 });
    expect(versions.map((v) => (v.settings as { actions: { high: string } }).actions.high)).toEqual(["strong_mfa", "deny"]);
    expect(await t.db().auditEvent.count({ where: { action: "risk.policy_changed" } })).toBe(await t.db().riskPolicyVersion.count());
  });

  it("simulates a rule over the last 30 days, and the simulation matches the replay once published", async () => {
    forgetPolicyCache();
    const rule = { name: "No sign-ins from Japan", conditions: [{ feature: "country", op: "in", value: ["JP"] }], action: "deny" };
    await expect(simulateRiskRule(admin, { ...rule, action: "explode" })).rejects.toMatchObject({ code: "invalid_input" });
    const now = later(6 * 24 * 60);
    const sim = await simulateRiskRule(admin, rule, { now });
    const japanese = await t.db().riskAssessment.count({ where: { country: "JP", createdAt: { gte: new Date(now.getTime() - 30 * 24 * 3600_000) } } });
    expect(japanese).toBeGreaterThan(0);
    expect(sim.total).toBe(await t.db().riskAssessment.count({ where: { createdAt: { gte: new Date(now.getTime() - 30 * 24 * 3600_000) } } }));
    expect(sim.withRule.deny - sim.current.deny).toBe(sim.changed);
    expect(sim.changed).toBeGreaterThan(0);
    expect(sim.changed).toBeLessThanOrEqual(japanese);
    expect(sim.examples[0]).toMatchObject({ withRule: "deny" });

    await createRiskRule(admin, rule, {});
    // With the rule in force, a no-op candidate replays to what the simulation predicted.
    const replayed = await simulateRiskRule(admin, { name: "noop", enabled: false, conditions: [{ feature: "score", op: "gte", value: 0 }], action: "deny" }, { now });
    expect(replayed.current).toEqual(sim.withRule);
    expect(replayed.changed).toBe(0);
    // And a new sign-in from Japan is denied by it.
    const user = await newUser();
    const r = await assessSignIn({ userId: user.id, method: "password", ctx: { ip: TOKYO_IP }, deviceCookie: null, now });
    expect(r.action).toBe("deny");
    // Denied by a rule at a low score, it is still an alert.
    expect(r.band).toBe("low");
    const alerts = await listRecentAlerts(admin, { days: 3650 });
    expect(alerts.find((a) => a.id === r.id)).toMatchObject({ email: user.email, action: "deny", place: expect.stringMatching(/, JP$/) });
    expect(await t.db().auditEvent.count({ where: { action: "risk.rule_created" } })).toBe(1);
  });
});
