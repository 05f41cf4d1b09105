import "server-only";
import { getDb, type Tx } from "@/lib/db";
import type { SmsMessage } from "@/lib/db/generated/client";

export type { SmsMessage };

export async function insertSmsMessage(data: {
  to: string;
  purpose: string;
  text: string | null;
  transport: string;
  status: "sent" | "failed";
  attempts: number;
  providerMessageId: string | null;
  lastError: string | null;
  sentAt: Date | null;
}): Promise<{ id: string }> {
  return (await getDb()).smsMessage.create({ data: { ...data, lastError: data.lastError?.slice(0, 1000) ?? null }, select: { id: true } });
}

export async function listSmsMessages(filter: { to?: string; take: number }): Promise<SmsMessage[]> {
  return (await getDb()).smsMessage.findMany({
    where: filter.to ? { to: filter.to } : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.take,
  });
}

export async function deleteSmsMessagesBefore(cutoff: Date): Promise<number> {
  return (await (await getDb()).smsMessage.deleteMany({ where: { createdAt: { lt: cutoff } } })).count;
}

export async function deleteSmsMessagesTo(numbers: string[], tx: Tx): Promise<number> {
  if (!numbers.length) return 0;
  return (await tx.smsMessage.deleteMany({ where: { to: { in: numbers } } })).count;
}
