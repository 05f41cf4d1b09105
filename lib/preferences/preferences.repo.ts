// Topics and customers' choices. The customer's view is one direct statement (lib/db/sql.ts): the
// account's state, every topic and the account's choices in one join, because applications will
// read it for each message they consider sending. Writes use Prisma inside the caller's transaction.
import "server-only";
import { isUuid } from "@/lib/formats";
import { getDb, getSql, Prisma, withTransaction, type Tx } from "@/lib/db";
import type { Channel, TopicInput } from "./preferences.schema";

export { withTransaction };

export interface TopicRow {
  id: string;
  key: string;
  label: string;
  description: string;
  marketing: boolean;
  channels: string[];
  defaultOn: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** One row per (topic, stored choice) of an active account; the topic columns null when there are no topics. */
interface PreferenceJoinRow {
  topicId: string | null;
  key: string | null;
  label: string | null;
  description: string | null;
  marketing: boolean | null;
  channels: string[] | null;
  defaultOn: string[] | null;
  channel: string | null;
  optedIn: boolean | null;
  choiceUpdatedAt: Date | null;
}

export interface StoredChoice {
  channel: string;
  optedIn: boolean;
  updatedAt: Date;
}

export type TopicWithChoices = Omit<TopicRow, "createdAt" | "updatedAt"> & { choices: StoredChoice[] };

/**
 * Every topic with the account's stored choices, in one statement; null when the account is
 * unknown or disabled (no row at all), [] when no topic exists (one row with null topic columns).
 */
export async function findTopicsWithChoices(userId: string): Promise<TopicWithChoices[] | null> {
  if (!isUuid(userId)) return null;
  const rows = await (await getSql())<PreferenceJoinRow>(
    `SELECT t."id" AS "topicId", t."key", t."label", t."description", t."marketing", t."channels", t."defaultOn",
            p."channel", p."optedIn", p."updatedAt" AS "choiceUpdatedAt"
       FROM "User" u
       LEFT JOIN "PreferenceTopic" t ON TRUE
       LEFT JOIN "CommunicationPreference" p ON p."topicId" = t."id" AND p."userId" = u."id"
      WHERE u."id" = $1::uuid AND u."disabledAt" IS NULL
      ORDER BY t."label", t."key", p."channel"`,
    [userId],
  );
  if (rows.length === 0) return null;
  const topics = new Map<string, TopicWithChoices>();
  for (const r of rows) {
    if (!r.topicId) continue;
    let topic = topics.get(r.topicId);
    if (!topic) {
      topic = { id: r.topicId, key: r.key!, label: r.label!, description: r.description ?? "", marketing: Boolean(r.marketing), channels: r.channels ?? [], defaultOn: r.defaultOn ?? [], choices: [] };
      topics.set(r.topicId, topic);
    }
    if (r.channel !== null && r.optedIn !== null) topic.choices.push({ channel: r.channel, optedIn: r.optedIn, updatedAt: r.choiceUpdatedAt! });
  }
  return [...topics.values()];
}

/** Writes the choices (one upsert each) inside the caller's transaction. */
export async function upsertChoices(userId: string, choices: { topicId: string; channel: Channel; optedIn: boolean }[], tx: Tx): Promise<void> {
  for (const c of choices) {
    await tx.communicationPreference.upsert({
      where: { userId_topicId_channel: { userId, topicId: c.topicId, channel: c.channel } },
      create: { userId, topicId: c.topicId, channel: c.channel, optedIn: c.optedIn },
      update: { optedIn: c.optedIn },
      select: { userId: true },
    });
  }
}

const TOPIC_SELECT = { id: true, key: true, label: true, description: true, marketing: true, channels: true, defaultOn: true, createdAt: true, updatedAt: true } as const;

export async function listTopicRows(): Promise<TopicRow[]> {
  return (await getDb()).preferenceTopic.findMany({ select: TOPIC_SELECT, orderBy: [{ label: "asc" }, { key: "asc" }] });
}

export async function findTopicRow(id: string): Promise<TopicRow | null> {
  if (!isUuid(id)) return null;
  return (await getDb()).preferenceTopic.findUnique({ where: { id }, select: TOPIC_SELECT });
}

export async function findTopicRowByKey(key: string, tx?: Tx): Promise<TopicRow | null> {
  return (tx ?? (await getDb())).preferenceTopic.findUnique({ where: { key }, select: TOPIC_SELECT });
}

export async function insertTopicRow(topic: TopicInput, tx: Tx): Promise<TopicRow> {
  return tx.preferenceTopic.create({ data: topic, select: TOPIC_SELECT });
}

/** The key never changes: applications name topics by it. */
export async function updateTopicRow(id: string, topic: Omit<TopicInput, "key">, tx: Tx): Promise<TopicRow> {
  return tx.preferenceTopic.update({ where: { id }, data: topic, select: TOPIC_SELECT });
}

/** A second topic with the same key (the unique index answered). */
export function isDuplicateKey(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}
