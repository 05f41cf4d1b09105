// Storage for identity events (IdentityEvent). Claiming, retries and retention are the outbox's.
import "server-only";
import type { Prisma, Tx } from "@/lib/db";
import { getDb, withTransaction } from "@/lib/db";
import type { IdentityEvent as IdentityEventRow } from "@/lib/db/generated/client";

export type { IdentityEventRow };
export { withTransaction };

export async function insertEvent(event: { type: string; userId: string | null; data: object }, tx: Tx): Promise<IdentityEventRow> {
  return tx.identityEvent.create({ data: { type: event.type, userId: event.userId, data: event.data as Prisma.InputJsonValue } });
}

/** A person's events, oldest first (tests, inspection). */
export async function listEventsOf(userId: string, take = 100): Promise<IdentityEventRow[]> {
  return (await getDb()).identityEvent.findMany({ where: { userId }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }], take });
}

/** Events of the given types since `since`, oldest first, after the keyset cursor (replay to a new subscriber). */
export async function listEventsSince(filter: { since: Date; types: string[]; after?: { occurredAt: Date; id: string }; take: number }): Promise<IdentityEventRow[]> {
  const after = filter.after;
  return (await getDb()).identityEvent.findMany({
    where: {
      type: { in: filter.types },
      occurredAt: { gte: filter.since },
      ...(after ? { OR: [{ occurredAt: { gt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    take: filter.take,
  });
}

export async function findEvent(id: string): Promise<IdentityEventRow | null> {
  return (await getDb()).identityEvent.findUnique({ where: { id } });
}

/** Erasure: a person's earlier events go with their account (ids and field names, but theirs). */
export async function deleteEventsOf(userId: string, tx: Tx): Promise<number> {
  return (await tx.identityEvent.deleteMany({ where: { userId } })).count;
}
