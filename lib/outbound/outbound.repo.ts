// Storage for outbound HTTP deliveries (HttpDelivery): the insert. Claiming, retries and retention
// are the outbox's (lib/outbox), like those of every other queue.
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";
import type { HttpDelivery } from "@/lib/db/generated/client";

export type { HttpDelivery };

export async function insertHttpDelivery(
  d: { kind: string; url: string; contentType: string; body: string; headers: Record<string, string> | null },
  tx?: Tx,
): Promise<{ id: string }> {
  const db = tx ?? (await getDb());
  return db.httpDelivery.create({ data: { ...d, headers: d.headers ?? Prisma.JsonNull }, select: { id: true } });
}
