// Storage for the account-job queue (AccountJob): the insert, and what a dead letter clears.
// Claiming, retries and retention are the outbox's (lib/outbox).
import "server-only";
import { getDb, Prisma } from "@/lib/db";
import type { AccountJob as AccountJobRow } from "@/lib/db/generated/client";

export type { AccountJobRow };

export async function insertAccountJob(job: { kind: string; email: string; payload: Prisma.InputJsonValue; context: Prisma.InputJsonValue }): Promise<void> {
  await (await getDb()).accountJob.create({ data: job, select: { id: true } });
}

/** A job given up keeps its kind, address and error for inspection, never its payload (a password hash). */
export function deadLetterColumns(givesUp: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`payload = CASE WHEN ${givesUp} THEN '{}'::jsonb ELSE payload END`;
}
