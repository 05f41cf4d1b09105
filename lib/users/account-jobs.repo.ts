// Storage for the account-job queue. Same leasing as the mail outbox (lib/mail/mail.repo.ts): one
// claiming statement with SKIP LOCKED, times on the database clock, so several nodes share the queue.
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";
import type { AccountJob as AccountJobRow } from "@/lib/db/generated/client";

export type { AccountJobRow };

// Columns hold UTC without a time zone (Prisma's convention): never a bare now().
const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export async function insertAccountJob(job: { kind: string; email: string; payload: Prisma.InputJsonValue; context: Prisma.InputJsonValue }): Promise<void> {
  await (await getDb()).accountJob.create({ data: job, select: { id: true } });
}

/** Leases up to `limit` due jobs to the caller for `leaseSeconds`; a worker that dies frees them when the lease ends. */
export async function claimDueAccountJobs(limit: number, leaseSeconds: number): Promise<AccountJobRow[]> {
  return (await getDb()).$queryRaw<AccountJobRow[]>`
    UPDATE "AccountJob" SET "lockedUntil" = ${NOW_UTC} + (${leaseSeconds}::int * interval '1 second')
    WHERE id IN (
      SELECT id FROM "AccountJob"
      WHERE "nextAttemptAt" <= ${NOW_UTC} AND ("lockedUntil" IS NULL OR "lockedUntil" < ${NOW_UTC})
      ORDER BY "createdAt"
      LIMIT ${limit}::int
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`;
}

/**
 * Deletes the job inside the transaction that does its work, so the work and the removal commit
 * together. False when it is gone already (a worker whose lease ran out finished it meanwhile).
 */
export async function deleteAccountJob(id: string, tx: Tx): Promise<boolean> {
  const { count } = await tx.accountJob.deleteMany({ where: { id } });
  return count === 1;
}

/** One failed attempt: retry after `retryInSeconds`, or drop the job after `maxAttempts` (it holds a password hash). */
export async function markAccountJobFailed(id: string, f: { error: string; retryInSeconds: number; maxAttempts: number }): Promise<"retry" | "dropped"> {
  const db = await getDb();
  const dropped = await db.$executeRaw`DELETE FROM "AccountJob" WHERE id = ${id}::uuid AND attempts + 1 >= ${f.maxAttempts}::int`;
  if (dropped) return "dropped";
  await db.$executeRaw`
    UPDATE "AccountJob"
    SET attempts = attempts + 1, "lastError" = ${f.error.slice(0, 1000)},
        "nextAttemptAt" = ${NOW_UTC} + (${f.retryInSeconds}::double precision * interval '1 second'), "lockedUntil" = NULL
    WHERE id = ${id}::uuid`;
  return "retry";
}
