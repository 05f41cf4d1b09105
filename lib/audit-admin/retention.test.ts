// The audit log's retention: only a super administrator sets it (30 to 3650 days, or forever), the
// change is audited, and the janitor's purge deletes only the events older than it, in batches,
// through the trigger's narrow exception; a plain DELETE is still refused.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { PermissionError } from "@/lib/errors";
import { auditRetention, purgeExpiredAuditEvents, setAuditRetention } from "./index";

const t = useTestDatabase();

const superAdmin = { id: crypto.randomUUID(), roles: ["admin"] };
const auditor = { id: crypto.randomUUID(), roles: ["auditor"] };
const DAY = 24 * 3600_000;

async function seedAt(ages: number[], action = "old.event"): Promise<bigint[]> {
  const now = Date.now();
  const ids: bigint[] = [];
  for (const days of ages) ids.push((await t.db().auditEvent.create({ data: { createdAt: new Date(now - days * DAY), actorType: "system", action, result: "success" } })).id);
  return ids;
}

const remaining = async (action: string) => (await t.db().auditEvent.findMany({ where: { action }, select: { id: true } })).map((r) => r.id);

describe("the retention setting", () => {
  it("is forever until set; only audit:retention sets it, within 30 to 3650 days, and each change is audited", async () => {
    expect(await auditRetention(auditor)).toEqual({ days: null });
    await expect(setAuditRetention(auditor, { retention: "90" }, {})).rejects.toBeInstanceOf(PermissionError);
    await expect(setAuditRetention(superAdmin, { retention: "29" }, {})).rejects.toMatchObject({ code: "invalid_input", field: "retention" });
    await expect(setAuditRetention(superAdmin, { retention: "3651" }, {})).rejects.toMatchObject({ code: "invalid_input" });
    await expect(setAuditRetention(superAdmin, { retention: "soon" }, {})).rejects.toMatchObject({ code: "invalid_input" });
    expect(await setAuditRetention(superAdmin, { retention: "400" }, { ip: "192.0.2.7" })).toEqual({ days: 400 });
    expect(await auditRetention(auditor)).toEqual({ days: 400 });
    expect(await setAuditRetention(superAdmin, { retention: "forever" }, {})).toEqual({ days: null });
    const changes = await t.db().auditEvent.findMany({ where: { action: "audit.retention_changed" }, orderBy: { id: "asc" } });
    expect(changes.map((c) => c.details)).toEqual([
      { beforeDays: null, afterDays: 400 },
      { beforeDays: 400, afterDays: null },
    ]);
    expect(changes[0]).toMatchObject({ actorId: superAdmin.id, ip: "192.0.2.7", result: "success" });
  });
});

describe("the purge", () => {
  it("deletes nothing while the retention is forever", async () => {
    await setAuditRetention(superAdmin, { retention: "forever" }, {});
    const ids = await seedAt([5000], "forever.event");
    expect(await purgeExpiredAuditEvents()).toBe(0);
    expect(await remaining("forever.event")).toEqual(ids);
  });

  it("deletes only the events older than the retention, in bounded batches, and audits each pass with its count", async () => {
    await setAuditRetention(superAdmin, { retention: "60" }, {});
    const old = await seedAt([400, 300, 200, 100, 61], "aged.event");
    const young = await seedAt([59, 30, 1, 0], "aged.event");
    const older = await t.db().auditEvent.count({ where: { createdAt: { lt: new Date(Date.now() - 60 * DAY) } } });
    expect(older).toBeGreaterThanOrEqual(old.length + 1); // the "forever" test's event too

    // Two batches of two: four deleted, oldest first, the rest left for the next pass.
    expect(await purgeExpiredAuditEvents(new Date(), { batchSize: 2, maxBatches: 2 })).toBe(4);
    expect(await t.db().auditEvent.count({ where: { createdAt: { lt: new Date(Date.now() - 60 * DAY) } } })).toBe(older - 4);
    expect(await purgeExpiredAuditEvents(new Date(), { batchSize: 2, maxBatches: 5 })).toBe(older - 4);
    expect(await remaining("aged.event")).toEqual(young);

    const purges = await t.db().auditEvent.findMany({ where: { action: "audit.purged" }, orderBy: { id: "asc" } });
    expect(purges.map((p) => (p.details as { deleted: number }).deleted)).toEqual([4, older - 4]);
    expect(purges[0]).toMatchObject({ actorType: "system", details: { retentionDays: 60 } });
    expect(await purgeExpiredAuditEvents()).toBe(0);
    expect(await t.db().auditEvent.count({ where: { action: "audit.purged" } })).toBe(2); // a pass that deletes nothing writes nothing
  });

  it("a plain DELETE is still refused, and even the purge's exception never reaches an event younger than 30 days", async () => {
    const [old] = await seedAt([500], "guarded.event");
    const [recent] = await seedAt([10], "guarded.event");
    await expect(t.db().auditEvent.delete({ where: { id: old! } })).rejects.toThrow(/append-only/);
    // (A raw statement's error carries no message on PGlite's adapter: the rows left say it was refused.)
    await expect(t.db().$executeRaw`DELETE FROM "AuditEvent" WHERE "action" = 'guarded.event'`).rejects.toThrow();
    expect(await remaining("guarded.event")).toEqual([old, recent]);
    // A cutoff in the future opens nothing younger than 30 days (the database's own clock).
    await expect(
      t.db().$transaction(async (tx) => {
        await tx.$queryRaw`SELECT set_config('portico.audit_purge_before', '2999-01-01 00:00:00', true)`;
        await tx.$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${recent!}`;
      }),
    ).rejects.toThrow();
    expect(await remaining("guarded.event")).toEqual([old, recent]);
    // The setting is transaction-local: after a purge's transaction, a DELETE is refused again.
    await t.db().$transaction(async (tx) => {
      await tx.$queryRaw`SELECT set_config('portico.audit_purge_before', '2999-01-01 00:00:00', true)`;
      await tx.$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${old!}`;
    });
    await expect(t.db().$executeRaw`DELETE FROM "AuditEvent" WHERE "action" = 'guarded.event'`).rejects.toThrow();
    expect(await remaining("guarded.event")).toEqual([recent]);
  });
});
