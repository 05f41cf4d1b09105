import crypto from "node:crypto";
import pg from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { getSql } from "@/lib/db";
import { getAnalytics, runAnalyticsRollup } from "./index";
import { nextState, PENDING_HORIZON_MS } from "./rollup";

useTestDatabase();
const analyst = { id: "00000000-0000-4000-8000-00000000a001", roles: ["security_analyst"] };
const NOW = new Date("2026-12-01T12:00:00Z");

async function event(action: string, at: Date, opts: { actorId?: string; result?: string; details?: Record<string, unknown>; targetId?: string; id?: string } = {}): Promise<void> {
  const sql = await getSql();
  const cols = `"createdAt", "actorType", "actorId", "action", "targetType", "targetId", "result", "details"`;
  const values = [at, opts.actorId ? "user" : "anonymous", opts.actorId ?? null, action, opts.targetId ? "client" : null, opts.targetId ?? null, opts.result ?? "success", opts.details ? JSON.stringify(opts.details) : null] as const;
  if (opts.id) await sql(`INSERT INTO "AuditEvent" (id, ${cols}) VALUES ($9::bigint, $1::timestamp(3), $2, $3, $4, $5, $6, $7, $8::jsonb)`, [...values, opts.id]);
  else await sql(`INSERT INTO "AuditEvent" (${cols}) VALUES ($1::timestamp(3), $2, $3, $4, $5, $6, $7, $8::jsonb)`, [...values]);
}

async function counter(metric: string, dimension = "", application = ""): Promise<number> {
  const rows = await (await getSql())<{ v: string | null }>(`SELECT sum("value")::text AS v FROM "AnalyticsCounter" WHERE "metric" = $1 AND "dimension" = $2 AND "application" = $3`, [metric, dimension, application]);
  return Number(rows[0]?.v ?? 0);
}

async function reservedId(): Promise<string> {
  const [row] = await (await getSql())<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('"AuditEvent"', 'id'))::text AS id`);
  return row!.id;
}

const uid = () => crypto.randomUUID();

beforeEach(async () => {
  const sql = await getSql();
  // The counters start empty; the watermark moves past whatever earlier tests left.
  await runAnalyticsRollup({ now: NOW });
  await sql(`DELETE FROM "AnalyticsCounter"`);
  await sql(`DELETE FROM "AnalyticsActiveUser"`);
});

describe("the rollup counts each audit event exactly once", () => {
  it("a second run adds nothing", async () => {
    const user = uid();
    await event("login.succeeded", new Date("2026-12-01T09:10:00Z"), { actorId: user, details: { method: "password" } });
    await event("login.succeeded", new Date("2026-12-01T09:40:00Z"), { actorId: user, details: { method: "passkey" } });
    await event("login.failed", new Date("2026-12-01T10:05:00Z"), { result: "failure", details: { reason: "wrong_password" } });
    const first = await runAnalyticsRollup({ now: NOW });
    expect(first.events).toBe(3);
    expect(await runAnalyticsRollup({ now: NOW })).toMatchObject({ events: 0 });
    expect(await counter("signin.succeeded", "password")).toBe(1);
    expect(await counter("signin.succeeded", "passkey")).toBe(1);
    expect(await counter("signin.failed", "password")).toBe(1);
  });

  it("concurrent runs queue on the watermark: every event once", async () => {
    for (let i = 0; i < 30; i++) await event("login.failed", new Date("2026-12-01T08:00:00Z"), { result: "failure", details: { method: "passkey" } });
    const results = await Promise.all([runAnalyticsRollup({ now: NOW, batchSize: 7 }), runAnalyticsRollup({ now: NOW, batchSize: 7 }), runAnalyticsRollup({ now: NOW, batchSize: 7 })]);
    expect(results.reduce((n, r) => n + r.events, 0)).toBe(30);
    expect(await counter("signin.failed", "passkey")).toBe(30);
  });

  it("an event committed after a higher id was counted is counted when it arrives (its id was pending)", async () => {
    const late = await reservedId(); // the id a slow transaction took and has not committed yet
    await event("user.registered", new Date("2026-12-01T09:00:00Z"));
    const before = await runAnalyticsRollup({ now: NOW });
    expect(before.pending).toBeGreaterThanOrEqual(1);
    expect(await counter("registration", "submitted")).toBe(1);
    await event("user.email_verified", new Date("2026-12-01T09:00:01Z"), { id: late }); // it commits now
    await runAnalyticsRollup({ now: NOW });
    expect(await counter("registration", "verified")).toBe(1);
    await runAnalyticsRollup({ now: NOW });
    expect(await counter("registration", "verified")).toBe(1);
  });

  it(`a transaction still open during a run is counted once it commits (${usingPostgres ? "a second connection" : "PGlite has one connection: its id reserved, its row written later"})`, async () => {
    const open = usingPostgres ? await openTransactionWithEvent() : null;
    const reserved = open ? null : await reservedId();
    await event("login.failed", new Date("2026-12-01T09:00:00Z"), { result: "failure", details: { method: "password" } });
    await runAnalyticsRollup({ now: NOW });
    expect(await counter("signin.failed", "password")).toBe(1);
    expect(await counter("signin.failed", "passkey")).toBe(0);
    if (open) await open.commit();
    else await event("login.failed", new Date("2026-12-01T09:00:00Z"), { result: "failure", details: { method: "passkey" }, id: reserved! });
    await runAnalyticsRollup({ now: NOW });
    expect(await counter("signin.failed", "passkey")).toBe(1);
  });

  it("reads events in id order: a batch across a power of ten leaves no gap behind", async () => {
    const sql = await getSql();
    const [{ max }] = (await sql<{ max: string }>(`SELECT coalesce(max(id), 0)::text AS max FROM "AuditEvent"`)) as [{ max: string }];
    const next = 10 ** (max.length + 1) - 4; // ids …97, …98, …99, 1000…: "1000" sorts before "997" as text
    await sql(`SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'id'), $1::bigint)`, [String(next - 1)]);
    for (let i = 0; i < 8; i++) await event("login.failed", new Date("2026-12-01T08:00:00Z"), { result: "failure", details: { method: "password" } });
    expect(await runAnalyticsRollup({ now: NOW, batchSize: 5, maxBatches: 1 })).toMatchObject({ events: 5 });
    // The five lowest ids: the watermark stops at the fifth (text order would have read 1000… first).
    const [state] = await sql<{ lastId: string }>(`SELECT "lastId"::text AS "lastId" FROM "AnalyticsState"`);
    expect(state!.lastId).toBe(String(next + 4));
    await runAnalyticsRollup({ now: NOW });
    expect(await counter("signin.failed", "password")).toBe(8);
  });

  it("an id missing for longer than the horizon is forgotten (a rolled-back transaction)", () => {
    const seenAt = new Date(NOW.getTime() - PENDING_HORIZON_MS - 1000).toISOString();
    const next = nextState({ lastId: "10", pending: [{ id: "7", seenAt }, { id: "9", seenAt: NOW.toISOString() }] }, [{ id: "13" }, { id: "9" }], NOW);
    expect(next).toEqual({ lastId: "13", pending: [{ id: "11", seenAt: NOW.toISOString() }, { id: "12", seenAt: NOW.toISOString() }] });
  });
});

describe("daily figures in a time zone sum the hours whose start falls on that local day", () => {
  it("Europe/Berlin on the day clocks go forward has 23 hours", async () => {
    // 29 March 2026: 00:00 CET = 28 Mar 23:00Z; 24:00 CEST = 29 Mar 22:00Z.
    await event("user.registered", new Date("2026-03-28T22:59:00Z")); // 23:59 on the 28th
    await event("user.registered", new Date("2026-03-28T23:00:00Z")); // 00:00 on the 29th
    await event("user.registered", new Date("2026-03-29T21:59:00Z")); // 23:59 CEST on the 29th
    await event("user.registered", new Date("2026-03-29T22:00:00Z")); // 00:00 on the 30th
    await runAnalyticsRollup({ now: NOW });
    const report = await getAnalytics(analyst, { from: "2026-03-28", to: "2026-03-30", tz: "Europe/Berlin", granularity: "day" }, NOW);
    expect(report.buckets).toEqual(["2026-03-28", "2026-03-29", "2026-03-30"]);
    expect(report.registrations.series.find((s) => s.name === "submitted")?.values).toEqual([1, 2, 1]);
    expect(report.range.from).toBe("2026-03-27T23:00:00.000Z");
    expect(report.range.to).toBe("2026-03-30T22:00:00.000Z");
  });

  it("Asia/Kolkata (+5:30): each UTC hour goes to the local day its start falls on", async () => {
    // 1 June 2026 starts at 31 May 18:30Z. The hour 18:00Z-19:00Z starts at 23:30 on 31 May.
    await event("user.registered", new Date("2026-05-31T18:10:00Z")); // 23:40 on 31 May
    await event("user.registered", new Date("2026-05-31T18:40:00Z")); // 00:10 on 1 June: its hour began on 31 May
    await event("user.registered", new Date("2026-05-31T19:00:00Z")); // 00:30 on 1 June
    await runAnalyticsRollup({ now: NOW });
    const report = await getAnalytics(analyst, { from: "2026-05-31", to: "2026-06-01", tz: "Asia/Kolkata", granularity: "day" }, NOW);
    expect(report.buckets).toEqual(["2026-05-31", "2026-06-01"]);
    expect(report.registrations.series.find((s) => s.name === "submitted")?.values).toEqual([2, 1]);
  });
});

describe("active users", () => {
  it("are distinct per UTC day and month, whatever the number of sign-ins", async () => {
    const [a, b] = [uid(), uid()];
    await event("login.succeeded", new Date("2026-11-10T08:00:00Z"), { actorId: a, details: { method: "password" } });
    await event("login.succeeded", new Date("2026-11-10T09:00:00Z"), { actorId: a, details: { method: "password" } });
    await event("oauth.tokens_refreshed", new Date("2026-11-10T10:00:00Z"), { actorId: a, targetId: "app-1" });
    await event("login.succeeded", new Date("2026-11-10T11:00:00Z"), { actorId: b, details: { method: "passkey" } });
    await runAnalyticsRollup({ now: NOW, batchSize: 2 }); // across batches too
    await event("login.succeeded", new Date("2026-11-11T08:00:00Z"), { actorId: a, details: { method: "password" } });
    await runAnalyticsRollup({ now: NOW });
    const report = await getAnalytics(analyst, { from: "2026-11-10", to: "2026-11-11", tz: "UTC" }, NOW);
    expect(report.activeUsers.daily).toEqual([{ name: "2026-11-10", value: 2 }, { name: "2026-11-11", value: 1 }]);
    expect(report.activeUsers.monthly).toEqual([{ name: "2026-11", value: 2 }]);
  });
});

describe("the report", () => {
  it("breaks risk decisions, countries and applications down, and filters by application", async () => {
    const details = (clientId: string | null, country: string, band: string, action: string) => ({ method: "password", clientId, country, band, action });
    await event("risk.assessed", new Date("2026-11-20T08:00:00Z"), { details: details("shop", "FR", "low", "allow") });
    await event("risk.assessed", new Date("2026-11-20T08:00:00Z"), { details: details("shop", "DE", "high", "mfa") });
    await event("risk.assessed", new Date("2026-11-20T08:00:00Z"), { details: details(null, "FR", "low", "allow") });
    await event("risk.assessed", new Date("2026-11-20T08:00:00Z"), { details: { ...details("shop", "FR", "low", "allow"), method: "refresh" } });
    // Sign-ins begun at an application's /authorize name it; one at the portal does not.
    await event("login.succeeded", new Date("2026-11-20T08:00:00Z"), { actorId: uid(), details: { method: "password", clientId: "shop" } });
    await event("login.succeeded", new Date("2026-11-20T08:00:00Z"), { actorId: uid(), details: { method: "passkey" } });
    await event("login.failed", new Date("2026-11-20T08:00:00Z"), { result: "failure", details: { reason: "wrong_password", clientId: "shop" } });
    await runAnalyticsRollup({ now: NOW });
    const all = await getAnalytics(analyst, { range: "30d", tz: "UTC" }, NOW);
    expect(all.risk.decisions).toEqual([{ name: "low:allow", value: 3 }, { name: "high:mfa", value: 1 }]);
    expect(all.countries).toEqual([{ name: "FR", value: 2 }, { name: "DE", value: 1 }]); // the refresh is no sign-in
    expect(all.applications).toEqual([{ name: "shop", value: 2 }, { name: "(portal)", value: 1 }]);
    const shop = await getAnalytics(analyst, { range: "30d", tz: "UTC", application: "shop" }, NOW);
    expect(shop.risk.decisions).toEqual([{ name: "low:allow", value: 2 }, { name: "high:mfa", value: 1 }]);
    expect(shop.countries).toEqual([{ name: "DE", value: 1 }, { name: "FR", value: 1 }]);
    const total = (series: { name: string; values: number[] }[]) => Object.fromEntries(series.map((s) => [s.name, s.values.reduce((a, b) => a + b, 0)]));
    expect(total(all.signIns.succeeded)).toEqual({ password: 1, passkey: 1, federated: 0 });
    expect(total(shop.signIns.succeeded)).toEqual({ password: 1, passkey: 0, federated: 0 });
    expect(total(shop.signIns.failed)).toEqual({ password: 1, passkey: 0 });
  });

  it("takes a daily adoption snapshot once per UTC day", async () => {
    await runAnalyticsRollup({ now: new Date("2026-12-02T12:00:00Z") });
    const again = await runAnalyticsRollup({ now: new Date("2026-12-02T13:00:00Z") });
    expect(again.adoptionSnapshot).toBe(false);
    const report = await getAnalytics(analyst, { from: "2026-12-02", to: "2026-12-02", tz: "UTC" }, NOW);
    expect(report.adoption).toEqual([{ day: "2026-12-02", totalUsers: expect.any(Number), withSecondFactor: 0, withPasskey: 0 }]);
  });

  it("needs analytics:read, and names the field of a bad parameter", async () => {
    await expect(getAnalytics({ id: uid(), roles: ["help_desk"] }, { range: "7d" }, NOW)).rejects.toMatchObject({ code: "forbidden" });
    await expect(getAnalytics(analyst, { tz: "Mars/Olympus" }, NOW)).rejects.toMatchObject({ code: "invalid_input", field: "tz" });
    await expect(getAnalytics(analyst, { from: "2026-01-01", to: "2026-12-01", granularity: "hour" }, NOW)).rejects.toMatchObject({ field: "granularity" });
    await expect(getAnalytics(analyst, { range: "1y" as "7d" }, NOW)).rejects.toMatchObject({ field: "range" });
    await expect(getAnalytics(analyst, { from: "yesterday", to: "2026-12-01" }, NOW)).rejects.toMatchObject({ field: "from" });
  });
});

/** An INSERT in a transaction left open on another connection (its id is lower than the next event's). */
async function openTransactionWithEvent(): Promise<{ commit: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: await testDatabaseUrl() });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`INSERT INTO "AuditEvent" ("createdAt", "actorType", "action", "result", "details") VALUES ('2026-12-01 09:00:00', 'anonymous', 'login.failed', 'failure', '{"method":"passkey"}')`);
  return {
    commit: async () => {
      await client.query("COMMIT");
      await client.end();
    },
  };
}

/** The test database's URL (test/db.ts makes one per file on the server DATABASE_URL names). */
async function testDatabaseUrl(): Promise<string> {
  const [row] = await (await getSql())<{ name: string }>(`SELECT current_database() AS name`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${row!.name}`;
  return url.toString();
}
