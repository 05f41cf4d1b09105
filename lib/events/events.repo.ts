// Storage for identity events (IdentityEvent). Claiming, retries and retention are the outbox's.
import "server-only";
import type { Prisma, Tx } from "@/lib/db";
import { getDb } from "@/lib/db";
import type { IdentityEvent as IdentityEventRow } from "@/lib/db/generated/client";

export type { IdentityEventRow };

export async function insertEvent(event: { type: string; userId: string; data: object }, tx: Tx): Promise<IdentityEventRow> {
  return tx.identityEvent.create({ data: { type: event.type, userId: event.userId, data: event.data as Prisma.InputJsonValue } });
}

/** A person's events, oldest first (tests, inspection). */
export async function listEventsOf(userId: string, take = 100): Promise<IdentityEventRow[]> {
  return (await getDb()).identityEvent.findMany({ where: { userId }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }], take });
}

/** Erasure: a person's earlier events go with their account (ids and field names, but theirs). */
export async function deleteEventsOf(userId: string, tx: Tx): Promise<number> {
  return (await tx.identityEvent.deleteMany({ where: { userId } })).count;
}
