// Storage for the mail outbox. Every message is a row first and an SMTP conversation second, so
// a crash, a slow server or a rejected DATA never loses a message: the row stays 'pending' and is
// retried. Times are compared in SQL on the database clock, so several nodes agree on "due".
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";
import type { MailMessage } from "@/lib/db/generated/client";
import { SUBJECTS_WITHOUT_SECRETS } from "./templates";

export type { MailMessage };

// Columns are `timestamp without time zone` holding UTC (Prisma's convention). A bare now() would
// be converted through the session's TimeZone, which is only right when that happens to be UTC.
const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export async function insertMailMessage(
  m: { to: string; subject: string; text: string; html: string; template: string },
  tx?: Tx,
): Promise<{ id: string }> {
  const db = tx ?? (await getDb());
  return db.mailMessage.create({ data: m, select: { id: true } });
}

/**
 * Leases up to `limit` due messages to the caller for `leaseSeconds`. One statement, and
 * SKIP LOCKED, so concurrent workers (processes or nodes) never claim the same row: a row another
 * worker is claiming is skipped, and one it has claimed is no longer due (lockedUntil in the
 * future). A worker that dies mid-send frees its rows when the lease runs out.
 */
export async function claimDueMailMessages(limit: number, leaseSeconds: number): Promise<MailMessage[]> {
  const db = await getDb();
  return db.$queryRaw<MailMessage[]>`
    UPDATE "MailMessage" SET "lockedUntil" = ${NOW_UTC} + (${leaseSeconds}::int * interval '1 second')
    WHERE id IN (
      SELECT id FROM "MailMessage"
      WHERE status = 'pending' AND "nextAttemptAt" <= ${NOW_UTC}
        AND ("lockedUntil" IS NULL OR "lockedUntil" < ${NOW_UTC})
      ORDER BY "createdAt"
      LIMIT ${limit}::int
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`;
}

// What the row keeps of its subject once the body goes: the subject, unless it carries a secret.
function subjectWithoutSecrets(): Prisma.Sql {
  const cases = Object.entries(SUBJECTS_WITHOUT_SECRETS).map(([template, subject]) => Prisma.sql`WHEN ${template} THEN ${subject}`);
  return cases.length ? Prisma.sql`CASE template ${Prisma.join(cases, " ")} ELSE subject END` : Prisma.sql`subject`;
}

/** The SET clause that removes a body: links and codes gone, metadata (to, template, status, times) kept. */
function purgeBody(): Prisma.Sql {
  return Prisma.sql`text = '', html = '', subject = ${subjectWithoutSecrets()}, "bodyPurgedAt" = ${NOW_UTC}`;
}

// The `status = 'pending'` guards below: if a lease ran out mid-send, another worker may have
// re-claimed and finished the message; a late result must not move it back.
/** `keepBody`: only for the dev outbox, which shows what it "delivered" (lib/mail/retention.ts). */
export async function markMailSent(id: string, transport: "smtp" | "outbox", opts: { keepBody: boolean }): Promise<void> {
  const db = await getDb();
  await db.$executeRaw`
    UPDATE "MailMessage"
    SET status = 'sent', "sentAt" = ${NOW_UTC}, transport = ${transport}, "lockedUntil" = NULL, "lastError" = NULL
        ${opts.keepBody ? Prisma.empty : Prisma.sql`, ${purgeBody()}`}
    WHERE id = ${id}::uuid AND status = 'pending'`;
}

/**
 * Records one failed attempt. The increment and the 'failed' decision happen in the same
 * statement as the read of `attempts`, so they cannot drift from the stored count.
 * `permanent` gives up at once (e.g. the server said the mailbox does not exist).
 */
export async function markMailAttemptFailed(
  id: string,
  f: { error: string; retryInSeconds: number; maxAttempts: number; permanent?: boolean },
): Promise<void> {
  const db = await getDb();
  const error = f.error.slice(0, 1000);
  const giveUp = Prisma.sql`(${f.permanent ?? false}::boolean OR attempts + 1 >= ${f.maxAttempts}::int)`;
  // A message given up is dead: its body goes in the same statement (a retried one still needs it).
  await db.$executeRaw`
    UPDATE "MailMessage"
    SET attempts = attempts + 1,
        status = CASE WHEN ${giveUp} THEN 'failed' ELSE 'pending' END,
        "lastError" = ${error},
        "nextAttemptAt" = ${NOW_UTC} + (${f.retryInSeconds}::double precision * interval '1 second'),
        "lockedUntil" = NULL,
        text = CASE WHEN ${giveUp} THEN '' ELSE text END,
        html = CASE WHEN ${giveUp} THEN '' ELSE html END,
        subject = CASE WHEN ${giveUp} THEN ${subjectWithoutSecrets()} ELSE subject END,
        "bodyPurgedAt" = CASE WHEN ${giveUp} THEN ${NOW_UTC} ELSE NULL END
    WHERE id = ${id}::uuid AND status = 'pending'`;
}

/**
 * Removes the bodies that delivery left in place: all of them for messages no longer pending,
 * except, while the dev outbox is on, those it delivered itself. Also cleans rows from before
 * bodies were removed at delivery.
 */
export async function purgeMailBodies(opts: { keepDevOutbox: boolean }): Promise<number> {
  const db = await getDb();
  return db.$executeRaw`
    UPDATE "MailMessage" SET ${purgeBody()}
    WHERE status <> 'pending' AND "bodyPurgedAt" IS NULL
      AND NOT (${opts.keepDevOutbox}::boolean AND status = 'sent' AND transport = 'outbox')`;
}

export async function deleteMailCreatedBefore(cutoff: Date): Promise<number> {
  const { count } = await (await getDb()).mailMessage.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return count;
}

export async function listMailMessages(filter: { to?: string; take: number }): Promise<MailMessage[]> {
  const db = await getDb();
  return db.mailMessage.findMany({
    where: filter.to ? { to: filter.to } : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.take,
  });
}

export async function findMailMessage(id: string): Promise<MailMessage | null> {
  const db = await getDb();
  return db.mailMessage.findUnique({ where: { id } });
}
