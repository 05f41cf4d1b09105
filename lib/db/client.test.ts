import { describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { Prisma } from "./generated/client";

const t = useTestDatabase();

describe(`database layer on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("applies every migration and records it with its checksum", async () => {
    const rows = await t.db().$queryRaw<{ migration_name: string; checksum: string }[]>`
      SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("round-trips JSON, arrays of rows and BigInt ids", async () => {
    const e = await t.db().auditEvent.create({
      data: { actorType: "system", action: "test.json", result: "success", details: { a: [1, "é", null], b: { c: true } } },
    });
    expect(typeof e.id).toBe("bigint");
    const back = await t.db().auditEvent.findUniqueOrThrow({ where: { id: e.id } });
    expect(back.details).toEqual({ a: [1, "é", null], b: { c: true } });
  });

  it("round-trips bytes through raw queries", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const rows = await t.db().$queryRaw<{ b: Uint8Array }[]>`SELECT ${bytes}::bytea AS b`;
    expect(Buffer.from(rows[0]!.b)).toEqual(bytes);
  });

  it("commits and rolls back interactive transactions", async () => {
    await t.db().$transaction(async (tx) => {
      await tx.mailMessage.create({ data: { to: "commit@example.com", subject: "s", text: "t", html: "h", template: "x" } });
    });
    await expect(
      t.db().$transaction(async (tx) => {
        await tx.mailMessage.create({ data: { to: "rollback@example.com", subject: "s", text: "t", html: "h", template: "x" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await t.db().mailMessage.count({ where: { to: "commit@example.com" } })).toBe(1);
    expect(await t.db().mailMessage.count({ where: { to: "rollback@example.com" } })).toBe(0);
  });

  it("refuses to update or delete audit events (append-only trigger)", async () => {
    const e = await t.db().auditEvent.create({ data: { actorType: "system", action: "test.immutable", result: "success" } });
    await expect(t.db().auditEvent.update({ where: { id: e.id }, data: { action: "tampered" } })).rejects.toThrow(/append-only/);
    await expect(t.db().auditEvent.delete({ where: { id: e.id } })).rejects.toThrow(/append-only/);
  });

  it("runs parameterless multi-statement scripts", async () => {
    await t.db().$executeRawUnsafe(`CREATE TEMP TABLE tmp_a (x int); INSERT INTO tmp_a VALUES (1), (2);`);
    const rows = await t.db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM tmp_a`;
    expect(Number(rows[0]!.n)).toBe(2);
  });

  it("maps unique violations to Prisma's P2002", async () => {
    await t.db().user.create({ data: { email: "dup@example.com" } });
    const err = await t.db().user.create({ data: { email: "dup@example.com" } }).catch((e) => e);
    expect(err).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(err.code).toBe("P2002");
  });
});
