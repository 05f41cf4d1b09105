// The console's audit log: who may read and export it, each filter, keyset pages both ways, and
// the export streaming a range across several batches in order.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { PermissionError } from "@/lib/errors";
import { auditEventForAdmin, browseAuditLog, exportAuditLog, parseAuditFilter, type AuditFilter } from "./index";

const t = useTestDatabase();

const superAdmin = { id: crypto.randomUUID(), roles: ["admin"] };
const auditor = { id: crypto.randomUUID(), roles: ["auditor"] };
const analyst = { id: crypto.randomUUID(), roles: ["security_analyst"] };
const helpDesk = { id: crypto.randomUUID(), roles: ["help_desk"] };

const tag = () => crypto.randomBytes(4).toString("hex");

type Seed = Partial<{ createdAt: Date; actorId: string; action: string; targetType: string; targetId: string; result: string; ip: string; details: object }>;

async function seed(events: Seed[]): Promise<string[]> {
  const ids: string[] = [];
  for (const e of events) {
    const row = await t.db().auditEvent.create({
      data: { createdAt: e.createdAt ?? new Date(), actorType: "user", actorId: e.actorId ?? null, action: e.action ?? "test.event", targetType: e.targetType ?? null, targetId: e.targetId ?? null, result: e.result ?? "success", ip: e.ip ?? null, details: e.details },
    });
    ids.push(String(row.id));
  }
  return ids;
}

function filter(input: Record<string, string>): AuditFilter {
  const parsed = parseAuditFilter(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
  return parsed.filter;
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("permissions", () => {
  it("reading needs audit:read, exporting audit:export: a help desk agent reads nothing, an analyst does not export", async () => {
    await expect(browseAuditLog(helpDesk, filter({}))).rejects.toBeInstanceOf(PermissionError);
    await expect(auditEventForAdmin(helpDesk, "1")).rejects.toBeInstanceOf(PermissionError);
    await expect(browseAuditLog(analyst, filter({}))).resolves.toBeDefined();
    await expect(exportAuditLog(analyst, filter({}), "csv", {})).rejects.toBeInstanceOf(PermissionError);
    await expect(exportAuditLog(auditor, filter({}), "csv", {})).resolves.toBeDefined();
  });
});

describe("filters", () => {
  it("by actor id or email, target, action prefix, result, IP", async () => {
    const user = await t.db().user.create({ data: { email: `actor-${tag()}@example.com` } });
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}-${tag()}`;
    const target = `target-${tag()}`;
    const [byUser, failed, other] = await seed([
      { actorId: user.id, action: "zeta.created", targetType: "user", targetId: target, ip },
      { actorId: user.id, action: "zeta.failed", result: "failure", ip },
      { actorId: crypto.randomUUID(), action: "zetaother.created", targetType: "user", targetId: target },
    ]);
    const ids = async (f: Record<string, string>) => (await browseAuditLog(analyst, filter(f))).events.map((e) => e.id);
    expect(await ids({ actor: user.id })).toEqual([failed, byUser]);
    expect(await ids({ actor: user.email!.toUpperCase() })).toEqual([failed, byUser]);
    expect(await ids({ actor: "nobody@example.com" })).toEqual([]);
    expect(await ids({ targetType: "user", targetId: target })).toEqual([other, byUser]);
    expect(await ids({ action: "zeta.", actor: user.id })).toEqual([failed, byUser]);
    expect(await ids({ action: "zeta." })).not.toContain(other); // a prefix ends at the dot
    expect(await ids({ action: "zeta.created" })).toEqual([byUser]);
    expect(await ids({ ip })).toEqual([failed, byUser]);
    expect(await ids({ ip, result: "failure" })).toEqual([failed]);
  });

  it("by application: the client as the target or in the details", async () => {
    const clientId = `app-${tag()}`;
    const [asTarget, inDetails] = await seed([
      { action: "oauth.authorized", targetType: "client", targetId: clientId },
      { action: "consent.given", targetType: "user", targetId: crypto.randomUUID(), details: { clientId } },
      { action: "consent.given", details: { clientId: `${clientId}-other` } },
    ]);
    expect((await browseAuditLog(auditor, filter({ application: clientId }))).events.map((e) => e.id)).toEqual([inDetails, asTarget]);
  });

  it("by time range (UTC, start included, end excluded)", async () => {
    const action = `range${tag()}.event`;
    const at = (iso: string) => new Date(iso);
    const [, inside1, inside2] = await seed([
      { action, createdAt: at("2003-01-01T09:59:59.999Z") },
      { action, createdAt: at("2003-01-01T10:00:00.000Z") },
      { action, createdAt: at("2003-01-01T10:30:00.000Z") },
      { action, createdAt: at("2003-01-01T11:00:00.000Z") },
    ]);
    const page = await browseAuditLog(auditor, filter({ action, from: "2003-01-01T10:00", to: "2003-01-01T11:00" }));
    expect(page.events.map((e) => e.id)).toEqual([inside2, inside1]);
    expect((await browseAuditLog(auditor, filter({ action, from: "2003-01-02" }))).events).toEqual([]);
  });

  it("refuses what no index serves or makes no sense, by field", () => {
    expect(parseAuditFilter({ targetType: "user" })).toMatchObject({ ok: false, fieldErrors: { targetId: expect.any(String) } });
    expect(parseAuditFilter({ from: "2026-12-14T10:00", to: "2026-12-14T09:00" })).toMatchObject({ ok: false, fieldErrors: { to: expect.any(String) } });
    expect(parseAuditFilter({ from: "yesterday" })).toMatchObject({ ok: false, fieldErrors: { from: expect.any(String) } });
    expect(parseAuditFilter({ result: "maybe" })).toMatchObject({ ok: false, fieldErrors: { result: expect.any(String) } });
    expect(parseAuditFilter({ from: "2026-12-14T10:00+02:00" })).toMatchObject({ ok: true, filter: { from: new Date("2026-12-14T08:00:00Z") } });
  });
});

describe("pages", () => {
  it("pages newest first by id, older then back to newer", async () => {
    const action = `page${tag()}.event`;
    const ids = await seed(Array.from({ length: 7 }, () => ({ action })));
    const newestFirst = [...ids].reverse();
    const f = filter({ action });
    const first = await browseAuditLog(auditor, f, { take: 3 });
    expect(first.events.map((e) => e.id)).toEqual(newestFirst.slice(0, 3));
    expect(first.newer).toBeNull();
    const second = await browseAuditLog(auditor, f, { take: 3, before: first.older! });
    expect(second.events.map((e) => e.id)).toEqual(newestFirst.slice(3, 6));
    const third = await browseAuditLog(auditor, f, { take: 3, before: second.older! });
    expect(third.events.map((e) => e.id)).toEqual(newestFirst.slice(6));
    expect(third.older).toBeNull();
    const back = await browseAuditLog(auditor, f, { take: 3, after: third.newer! });
    expect(back.events.map((e) => e.id)).toEqual(newestFirst.slice(3, 6));
    const top = await browseAuditLog(auditor, f, { take: 3, after: back.newer! });
    expect(top.events.map((e) => e.id)).toEqual(newestFirst.slice(0, 3));
    expect(top.newer).toBeNull();
  });

  it("one event in full; an unknown or malformed id is null", async () => {
    const [id] = await seed([{ action: "one.event", ip: "192.0.2.1", details: { a: 1 } }]);
    expect(await auditEventForAdmin(auditor, id!)).toMatchObject({ id, action: "one.event", ip: "192.0.2.1", details: { a: 1 } });
    expect(await auditEventForAdmin(auditor, "999999999")).toBeNull();
    expect(await auditEventForAdmin(auditor, "x'; --")).toBeNull();
  });
});

describe("export", () => {
  it("streams every event of the range, oldest first, across several batches, and audits the export", async () => {
    const action = `export${tag()}.event`;
    const ids = await seed(Array.from({ length: 11 }, (_, i) => ({ action, createdAt: new Date(Date.UTC(2004, 0, 1, 10, i)), ip: i === 3 ? "=cmd|' /C calc'!A0" : undefined })));
    await seed([{ action, createdAt: new Date(Date.UTC(2004, 0, 1, 9, 59)) }, { action, createdAt: new Date(Date.UTC(2004, 0, 1, 10, 11)) }]);
    const f = filter({ action, from: "2004-01-01T10:00", to: "2004-01-01T10:11" });

    const jsonl = await exportAuditLog(superAdmin, f, "jsonl", { ip: "192.0.2.9" }, { batchSize: 4 });
    expect(jsonl.filename).toBe("portico-audit_20040101T1000Z_20040101T1011Z.jsonl");
    expect(jsonl.contentType).toBe("application/jsonl; charset=utf-8");
    const lines = (await text(jsonl.body)).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(ids);

    const csv = await exportAuditLog(superAdmin, f, "csv", {}, { batchSize: 4 });
    const records = (await text(csv.body)).split("\r\n");
    expect(records.pop()).toBe("");
    expect(records[0]).toMatch(/^id,createdAt,/);
    expect(records.slice(1).map((r) => r.split(",")[0])).toEqual(ids);
    expect(records[4]).toContain(`"'=cmd|' /C calc'!A0"`);

    const audited = await t.db().auditEvent.findMany({ where: { action: "audit.exported", actorId: superAdmin.id }, orderBy: { id: "asc" } });
    expect(audited.map((a) => (a.details as { format: string }).format)).toEqual(["jsonl", "csv"]);
    expect(audited[0]).toMatchObject({ ip: "192.0.2.9", details: { filter: { action, from: "2004-01-01T10:00:00.000Z", to: "2004-01-01T10:11:00.000Z" } } });
  });

  it("stops at the newest event when it began: events written during the download stay out", async () => {
    const action = `during${tag()}.event`;
    const ids = await seed(Array.from({ length: 3 }, () => ({ action })));
    const exported = await exportAuditLog(auditor, filter({ action }), "jsonl", {}, { batchSize: 2 });
    const reader = exported.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    await seed([{ action }]);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect((first + rest).trim().split("\n").map((l) => JSON.parse(l).id)).toEqual(ids);
  });
});

describe("event ids past PostgreSQL's bigint", () => {
  it("are no event and no page boundary, never an error", async () => {
    const huge = "9999999999999999999";
    await expect(auditEventForAdmin(auditor, huge)).resolves.toBeNull();
    await expect(browseAuditLog(auditor, filter({}), { before: huge })).resolves.toMatchObject({ events: expect.any(Array) });
    await expect(browseAuditLog(auditor, filter({}), { after: huge })).resolves.toMatchObject({ events: expect.any(Array) });
  });
});
