// Storage for the outbound HTTP outbox (HttpDelivery). Same shape as the mail outbox: a row first,
// a request second; claims lease rows with SKIP LOCKED so concurrent workers never share one, and
// times are compared on the database clock so every node agrees on "due".
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";
import type { HttpDelivery } from "@/lib/db/generated/client";

export type { HttpDelivery };

// Columns are `timestamp without time zone` holding UTC (Prisma's convention).
const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export async function insertHttpDelivery(
  d: { kind: string; url: string; contentType: string; body: string; headers: Record<string, string> | null },
  tx?: Tx,
): Promise<{ id: string }> {
  const db = tx ?? (await getDb());
  return db.httpDelivery.create({ data: { ...d, headers: d.headers ?? Prisma.JsonNull }, select: { id: true } });
}

/** Leases up to `limit` due deliveries for `leaseSeconds` (a dead worker's rows come back when it ends). */
export async function claimDueHttpDeliveries(limit: number, leaseSeconds: number): Promise<HttpDelivery[]> {
  const db = await getDb();
  return db.$queryRaw<HttpDelivery[]>`
    UPDATE "HttpDelivery" SET "lockedUntil" = ${NOW_UTC} + (${leaseSeconds}::int * interval '1 second')
    WHERE id IN (
      SELECT id FROM "HttpDelivery"
      WHERE status = 'pending' AND "nextAttemptAt" <= ${NOW_UTC}
        AND ("lockedUntil" IS NULL OR "lockedUntil" < ${NOW_UTC})
      ORDER BY "createdAt"
      LIMIT ${limit}::int
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`;
}

// `status = 'pending'` guards: a late result after a lost lease must not move a row back.
export async function markHttpDelivered(id: string): Promise<void> {
  const db = await getDb();
  await db.$executeRaw`
    UPDATE "HttpDelivery"
    SET status = 'delivered', "deliveredAt" = ${NOW_UTC}, "lockedUntil" = NULL, "lastError" = NULL
    WHERE id = ${id}::uuid AND status = 'pending'`;
}

/** One failed attempt; the count and the give-up decision are made in the same statement. */
export async function markHttpAttemptFailed(
  id: string,
  f: { error: string; retryInSeconds: number; maxAttempts: number; permanent?: boolean },
): Promise<void> {
  const db = await getDb();
  const error = f.error.slice(0, 1000);
  const giveUp = f.permanent ?? false;
  await db.$executeRaw`
    UPDATE "HttpDelivery"
    SET attempts = attempts + 1,
        status = CASE WHEN ${giveUp}::boolean OR attempts + 1 >= ${f.maxAttempts}::int THEN 'failed' ELSE 'pending' END,
        "lastError" = ${error},
        "nextAttemptAt" = ${NOW_UTC} + (${f.retryInSeconds}::double precision * interval '1 second'),
        "lockedUntil" = NULL
    WHERE id = ${id}::uuid AND status = 'pending'`;
}

export async function findHttpDelivery(id: string): Promise<HttpDelivery | null> {
  const db = await getDb();
  return db.httpDelivery.findUnique({ where: { id } });
}

export async function listHttpDeliveries(filter: { kind?: string; take: number }): Promise<HttpDelivery[]> {
  const db = await getDb();
  return db.httpDelivery.findMany({
    where: filter.kind ? { kind: filter.kind } : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.take,
  });
}
