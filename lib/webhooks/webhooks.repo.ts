// Storage for webhook subscriptions and deliveries. Claiming, retries and retention of deliveries
// are the outbox's (lib/outbox); the fan-out and replays are set-based statements here.
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";
import type { WebhookDelivery, WebhookSubscription } from "@/lib/db/generated/client";

export { withTransaction, isUniqueViolation } from "@/lib/db";
export type { WebhookDelivery, WebhookSubscription };

// Columns are `timestamp without time zone` holding UTC (Prisma's convention).
const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export async function insertSubscription(data: Prisma.WebhookSubscriptionUncheckedCreateInput, tx: Tx): Promise<WebhookSubscription> {
  return tx.webhookSubscription.create({ data });
}

export async function findSubscription(id: string, tx?: Tx): Promise<WebhookSubscription | null> {
  return (tx ?? (await getDb())).webhookSubscription.findUnique({ where: { id } });
}

/** For a change: the row locked until the transaction ends. */
export async function lockSubscription(id: string, tx: Tx): Promise<WebhookSubscription | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "WebhookSubscription" WHERE id = ${id}::uuid FOR UPDATE`;
  return rows.length ? tx.webhookSubscription.findUnique({ where: { id } }) : null;
}

export async function findSubscriptionBySource(source: string, tx: Tx): Promise<WebhookSubscription | null> {
  return tx.webhookSubscription.findFirst({ where: { source }, orderBy: { createdAt: "asc" } });
}

export async function listSubscriptionRows(): Promise<WebhookSubscription[]> {
  return (await getDb()).webhookSubscription.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 500 });
}

export async function updateSubscriptionRow(id: string, data: Prisma.WebhookSubscriptionUncheckedUpdateInput, tx: Tx): Promise<WebhookSubscription> {
  return tx.webhookSubscription.update({ where: { id }, data });
}

export async function deleteSubscriptionRow(id: string, tx: Tx): Promise<void> {
  await tx.webhookSubscription.delete({ where: { id } });
}

/** Failed deliveries per subscription in the last `hours` (the console's list). */
export async function recentFailureCounts(since: Date): Promise<Map<string, number>> {
  const rows = await (await getDb()).webhookDelivery.groupBy({ by: ["subscriptionId"], where: { createdAt: { gte: since }, lastError: { not: null }, status: { not: "delivered" } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.subscriptionId, r._count._all]));
}

/**
 * The fan-out: one delivery per enabled subscription that wants `type`, in one statement.
 * ON CONFLICT on (subscriptionId, originalEventId): an event published again adds nothing.
 */
export async function fanOutEvent(event: { id: string; type: string; body: string }): Promise<number> {
  return (await getDb()).$executeRaw`
    INSERT INTO "WebhookDelivery" (id, "subscriptionId", "eventId", "eventType", "originalEventId", trigger, body, "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid(), s.id, ${event.id}::uuid, ${event.type}, ${event.id}::uuid, 'event', ${event.body}, ${NOW_UTC}, ${NOW_UTC}
    FROM "WebhookSubscription" s
    WHERE s.enabled AND ${event.type} = ANY(s."eventTypes")
    ON CONFLICT ("subscriptionId", "originalEventId") DO NOTHING`;
}

/** New deliveries of events to one subscription (replays, test events): originalEventId stays null. */
export async function insertDeliveries(rows: { subscriptionId: string; eventId: string; eventType: string; body: string; trigger: string; replayOfId?: string }[], tx?: Tx): Promise<number> {
  if (!rows.length) return 0;
  const { count } = await (tx ?? (await getDb())).webhookDelivery.createMany({ data: rows.map((r) => ({ ...r, replayOfId: r.replayOfId ?? null })) });
  return count;
}

export async function insertDelivery(row: { subscriptionId: string; eventId: string; eventType: string; body: string; trigger: string; replayOfId?: string }, tx: Tx): Promise<WebhookDelivery> {
  return tx.webhookDelivery.create({ data: { ...row, replayOfId: row.replayOfId ?? null } });
}

export async function findDeliveryOf(subscriptionId: string, id: string, tx?: Tx): Promise<WebhookDelivery | null> {
  return (tx ?? (await getDb())).webhookDelivery.findFirst({ where: { id, subscriptionId } });
}

/** A subscription's deliveries, newest first, keyset by (createdAt, id). */
export async function listDeliveryRows(subscriptionId: string, opts: { before?: { createdAt: Date; id: string }; take: number }): Promise<WebhookDelivery[]> {
  const b = opts.before;
  return (await getDb()).webhookDelivery.findMany({
    where: { subscriptionId, ...(b ? { OR: [{ createdAt: { lt: b.createdAt } }, { createdAt: b.createdAt, id: { lt: b.id } }] } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.take,
  });
}

/** What the delivery needs of its subscription at send time. */
export async function subscriptionForDelivery(id: string): Promise<Pick<WebhookSubscription, "id" | "url" | "enabled" | "secret" | "previousSecret" | "previousSecretExpiresAt"> | null> {
  return (await getDb()).webhookSubscription.findUnique({ where: { id }, select: { id: true, url: true, enabled: true, secret: true, previousSecret: true, previousSecretExpiresAt: true } });
}

/** A success ends the failing run. */
export async function recordSubscriptionSuccess(id: string): Promise<void> {
  await (await getDb()).$executeRaw`
    UPDATE "WebhookSubscription" SET "consecutiveFailures" = 0, "failingSince" = NULL, "lastSuccessAt" = ${NOW_UTC}
    WHERE id = ${id}::uuid`;
}

/** A failed attempt extends (or starts) the failing run; the run as it now stands. */
export async function recordSubscriptionFailure(id: string): Promise<{ consecutiveFailures: number; failingSince: Date; enabled: boolean } | null> {
  const rows = await (await getDb()).$queryRaw<{ consecutiveFailures: number; failingSince: Date; enabled: boolean }[]>`
    UPDATE "WebhookSubscription"
    SET "consecutiveFailures" = "consecutiveFailures" + 1, "failingSince" = COALESCE("failingSince", ${NOW_UTC}), "lastFailureAt" = ${NOW_UTC}
    WHERE id = ${id}::uuid
    RETURNING "consecutiveFailures", "failingSince", enabled`;
  return rows[0] ?? null;
}

/**
 * Disables a subscription whose run began before `cutoff` with at least `minFailures`, once: the
 * condition is the update's, so of several workers only one gets the row back.
 */
export async function disableIfFailingSince(id: string, cutoff: Date, minFailures: number, reason: string, tx: Tx): Promise<WebhookSubscription | null> {
  const { count } = await tx.webhookSubscription.updateMany({
    where: { id, enabled: true, failingSince: { lt: cutoff }, consecutiveFailures: { gte: minFailures } },
    data: { enabled: false, disabledReason: reason, disabledAt: new Date(), updatedBy: "system" },
  });
  return count ? tx.webhookSubscription.findUnique({ where: { id } }) : null;
}

/** Pending deliveries of a subscription that stopped: given up, with the reason. */
export async function failPendingDeliveries(subscriptionId: string, reason: string, tx: Tx, exceptId?: string): Promise<number> {
  const { count } = await tx.webhookDelivery.updateMany({ where: { subscriptionId, status: "pending", ...(exceptId ? { id: { not: exceptId } } : {}) }, data: { status: "failed", lastError: reason, lockedUntil: null } });
  return count;
}

/** Serialises the configuration's sync across nodes starting together (one transaction-level lock). */
export async function lockConfigSync(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('portico.webhooks.config'))`;
}

/** The SQL for a failed attempt's own columns (the outbox sets them with the failure). */
export function attemptColumnsSql(statusCode: number | null, durationMs: number): Prisma.Sql {
  return Prisma.sql`"lastStatusCode" = ${statusCode}::int, "lastDurationMs" = ${durationMs}::int, "lastAttemptAt" = ${NOW_UTC}`;
}

/**
 * Account erasure, in its transaction and before the person's events go: the deliveries of those
 * events (their bodies name the person), sent or not, so nothing about them is sent or replayed after.
 */
export async function deleteDeliveriesOfPerson(userId: string, tx: Tx): Promise<number> {
  return tx.$executeRaw`DELETE FROM "WebhookDelivery" WHERE "eventId" IN (SELECT "id" FROM "IdentityEvent" WHERE "userId" = ${userId}::uuid)`;
}
