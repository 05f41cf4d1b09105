// Storage for the mail outbox: the MailMessage rows, and the SQL that removes a body. Every
// message is a row first and an SMTP conversation second, so a crash, a slow server or a rejected
// DATA never loses a message. Claiming, retries and retention are lib/outbox's.
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";
import type { MailMessage } from "@/lib/db/generated/client";
import { SUBJECTS_WITHOUT_SECRETS } from "./templates";

export type { MailMessage };

const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export async function insertMailMessage(
  m: { to: string; subject: string; text: string; html: string; template: string },
  tx?: Tx,
): Promise<{ id: string }> {
  const db = tx ?? (await getDb());
  return db.mailMessage.create({ data: m, select: { id: true } });
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

/** Columns set as a message is marked sent. `keepBody`: only for the dev outbox (lib/mail/retention.ts). */
export function sentColumns(transport: "smtp" | "outbox", opts: { keepBody: boolean }): Prisma.Sql {
  return Prisma.sql`transport = ${transport} ${opts.keepBody ? Prisma.empty : Prisma.sql`, ${purgeBody()}`}`;
}

/** A message given up is dead: its body goes in the same statement (a retried one still needs it). */
export function deadLetterColumns(givesUp: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    text = CASE WHEN ${givesUp} THEN '' ELSE text END,
    html = CASE WHEN ${givesUp} THEN '' ELSE html END,
    subject = CASE WHEN ${givesUp} THEN ${subjectWithoutSecrets()} ELSE subject END,
    "bodyPurgedAt" = CASE WHEN ${givesUp} THEN ${NOW_UTC} ELSE NULL END`;
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

/** Erasure: every message to these addresses, whatever its state. */
export async function deleteMailTo(addresses: string[], tx: Tx): Promise<number> {
  return (await tx.mailMessage.deleteMany({ where: { to: { in: addresses } } })).count;
}
