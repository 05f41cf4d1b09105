import { describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { getSql } from "./client";
import { parseUtcTimestamp } from "./sql";

const t = useTestDatabase();

describe(`direct SQL on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("parses timestamp(3) values as UTC, whatever the process time zone", () => {
    expect(parseUtcTimestamp("2026-11-28 01:28:47.123").toISOString()).toBe("2026-11-28T01:28:47.123Z");
    expect(parseUtcTimestamp("2026-11-28 01:28:47").toISOString()).toBe("2026-11-28T01:28:47.000Z");
  });

  it("reads rows written by Prisma exactly as Prisma does (dates, arrays, JSON, nulls)", async () => {
    const created = await t.db().application.create({
      data: {
        clientId: "sql-test",
        name: "SQL test",
        redirectUris: ["https://a.example/cb", "https://b.example/cb"],
        jwks: { keys: [{ kty: "EC", crv: "P-256" }] },
        disabledAt: new Date("2026-01-02T03:04:05.678Z"),
      },
    });
    const sql = await getSql();
    const [row] = await sql<typeof created>(`SELECT * FROM "Application" WHERE "clientId" = $1`, ["sql-test"]);
    expect(row).toEqual(created);
    expect(row!.disabledAt!.toISOString()).toBe("2026-01-02T03:04:05.678Z");
  });

  it("writes Date parameters as UTC, so Prisma reads back the same instant", async () => {
    const sql = await getSql();
    const when = new Date("2026-06-30T23:59:59.999Z");
    await sql(`INSERT INTO "UsedJti" ("jti", "expiresAt") VALUES ($1, $2)`, ["sql-date", when]);
    const back = await t.db().usedJti.findUniqueOrThrow({ where: { jti: "sql-date" } });
    expect(back.expiresAt.toISOString()).toBe(when.toISOString());
  });

  it("runs the same statement many times (named statements on PostgreSQL) and reports errors", async () => {
    const sql = await getSql();
    for (let i = 0; i < 3; i++) {
      const rows = await sql<{ n: number }>(`SELECT $1::int + 1 AS n`, [i]);
      expect(rows[0]!.n).toBe(i + 1);
    }
    await expect(sql(`INSERT INTO "UsedJti" ("jti", "expiresAt") VALUES ($1, $2)`, ["sql-date", new Date()])).rejects.toThrow(/duplicate key/);
  });
});
