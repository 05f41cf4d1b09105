// Communication preferences shared across channels: the topics an administrator defines (a stable
// key, a label, the channels it may use, the channels on by default) and, per customer, an opt-in or
// opt-out for each topic on each channel. A pair the customer never chose follows the topic's
// default; marketing topics start opted out (GDPR art. 7: consent is an affirmative act).
// Read and write take an actor: the owner (in the portal, or an application acting for them with
// their token) or an administrator holding users:read / users:write.
import "server-only";
import { fieldErrorsOf } from "@/lib/errors";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { emitIdentityEvent } from "@/lib/events";
import { kickOutbox } from "@/lib/outbox";
import { assertPermission, type Actor } from "@/lib/users";
import {
  findTopicRow,
  findTopicRowByKey,
  findTopicsWithChoices,
  insertTopicRow,
  isDuplicateKey,
  listTopicRows,
  updateTopicRow,
  upsertChoices,
  withTransaction,
  type TopicRow,
} from "./preferences.repo";
import { CHANNELS, isChannel, preferenceChangesSchema, topicSchema, type Channel, type PreferenceChange, type TopicInput } from "./preferences.schema";
import { PreferenceError } from "./preferences.errors";

export { PreferenceError, type PreferenceErrorCode } from "./preferences.errors";
export { CHANNELS, CHANNEL_LABELS, type Channel, type PreferenceChange, type TopicInput } from "./preferences.schema";
export type { TopicRow as Topic } from "./preferences.repo";

export interface ChannelPreference {
  channel: Channel;
  optedIn: boolean;
  /** False: the customer never chose, and the topic's default applies. */
  chosen: boolean;
  /** When the customer last chose; null while the default applies. */
  updatedAt: Date | null;
}

export interface TopicPreferences {
  key: string;
  label: string;
  description: string;
  marketing: boolean;
  channels: ChannelPreference[];
}

/** One pair whose effective value changed. */
export interface PreferenceChangeApplied {
  topic: string;
  channel: Channel;
  optedIn: boolean;
}

function assertOwnerOrAdmin(actor: Actor, userId: string, permission: "users:read" | "users:write"): void {
  if (actor.id !== userId) assertPermission(actor, permission);
}

async function loadPreferences(userId: string): Promise<(TopicPreferences & { id: string })[]> {
  const topics = await findTopicsWithChoices(userId);
  if (!topics) throw new PreferenceError("not_found", "This account does not exist or is disabled.");
  return topics.map((t) => ({
    id: t.id,
    key: t.key,
    label: t.label,
    description: t.description,
    marketing: t.marketing,
    channels: CHANNELS.filter((c) => t.channels.includes(c)).map((channel) => {
      const stored = t.choices.find((c) => c.channel === channel);
      return stored
        ? { channel, optedIn: stored.optedIn, chosen: true, updatedAt: stored.updatedAt }
        : { channel, optedIn: t.defaultOn.includes(channel), chosen: false, updatedAt: null };
    }),
  }));
}

/**
 * Every topic with the customer's effective choice per channel it uses, in one query. For the
 * owner, or an administrator holding users:read. Throws PreferenceError "not_found" for an
 * unknown or disabled account.
 */
export async function getPreferences(actor: Actor, userId: string): Promise<TopicPreferences[]> {
  assertOwnerOrAdmin(actor, userId, "users:read");
  return (await loadPreferences(userId)).map(({ id: _id, ...topic }) => topic);
}

/**
 * Sets the customer's choices: a list of (topic key, channel, opted in). Every change is checked
 * before anything is written: an unknown topic, an unknown channel or a channel the topic does not
 * use throws PreferenceError and saves nothing. Pairs whose effective value does not change are
 * skipped; the rest are written with one audit event naming them and the identity event
 * `user.preferences_updated`, in one transaction. For the
 * owner, or an administrator holding users:write; `via` names the application that made the change
 * for its user (the consent API), kept in the audit. Returns the pairs that changed.
 */
export async function updatePreferences(actor: Actor, userId: string, changes: readonly PreferenceChange[], ctx: RequestContext = {}, via: { clientId?: string } = {}): Promise<{ changed: PreferenceChangeApplied[] }> {
  assertOwnerOrAdmin(actor, userId, "users:write");
  const parsed = preferenceChangesSchema.safeParse(changes);
  if (!parsed.success) throw new PreferenceError("invalid_input", "The preferences sent are not in the expected shape.");
  const topics = await loadPreferences(userId);
  const byKey = new Map(topics.map((t) => [t.key, t]));
  const wanted = new Map<string, { topicId: string; topic: string; label: string; channel: Channel; optedIn: boolean; current: boolean }>();
  for (const change of parsed.data) {
    const topic = byKey.get(change.topic);
    if (!topic) throw new PreferenceError("unknown_topic", `There is no topic "${change.topic.slice(0, 64)}".`);
    if (!isChannel(change.channel)) throw new PreferenceError("unknown_channel", `There is no channel "${change.channel.slice(0, 16)}"; the channels are ${CHANNELS.join(", ")}.`);
    const current = topic.channels.find((c) => c.channel === change.channel);
    if (!current) throw new PreferenceError("channel_not_offered", `"${topic.label}" is not sent by ${change.channel}.`);
    const pair = `${topic.key}:${change.channel}`;
    const earlier = wanted.get(pair);
    if (earlier && earlier.optedIn !== change.optedIn) throw new PreferenceError("invalid_input", `"${topic.label}" by ${change.channel} is both chosen and refused.`);
    wanted.set(pair, { topicId: topic.id, topic: topic.key, label: topic.label, channel: change.channel, optedIn: change.optedIn, current: current.optedIn });
  }
  const toWrite = [...wanted.values()].filter((w) => w.optedIn !== w.current);
  const changed = toWrite.map(({ topic, channel, optedIn }) => ({ topic, channel, optedIn }));
  if (changed.length === 0) return { changed };
  await withTransaction(async (tx) => {
    await upsertChoices(userId, toWrite, tx);
    await recordAudit(
      {
        actor: { type: actor.id === userId ? "user" : "admin", id: actor.id },
        action: "user.preferences_updated",
        target: { type: "user", id: userId },
        result: "success",
        context: ctx,
        // The label too, so that the activity reads as the page did when the choice was made.
        details: { changes: toWrite.map(({ topic, label, channel, optedIn }) => ({ topic, label, channel, optedIn })), ...(via.clientId ? { clientId: via.clientId } : {}) },
      },
      tx,
    );
    await emitIdentityEvent({ type: "user.preferences_updated", userId, data: { pairs: changed.map(({ topic, channel }) => ({ topic, channel })) } }, tx);
  });
  kickOutbox();
  return { changed };
}

/** Every topic, for the console (topics:read). */
export async function listTopics(actor: Actor): Promise<TopicRow[]> {
  assertPermission(actor, "topics:read");
  return listTopicRows();
}

function parseTopic(input: unknown): TopicInput {
  const parsed = topicSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors = fieldErrorsOf(parsed.error.issues);
  throw new PreferenceError("invalid_input", "Check the topic's fields.", undefined, { fieldErrors });
}

/** Defines a topic (topics:write); its key is unique and never changes. */
export async function createTopic(actor: Actor, input: TopicInput, ctx: RequestContext = {}): Promise<TopicRow> {
  assertPermission(actor, "topics:write");
  const topic = parseTopic(input);
  const taken = () => new PreferenceError("topic_exists", `A topic with the key "${topic.key}" exists already.`, "key");
  if (await findTopicRowByKey(topic.key)) throw taken();
  try {
    return await withTransaction(async (tx) => {
      const row = await insertTopicRow(topic, tx);
      await recordAudit(
        { actor: { type: "admin", id: actor.id }, action: "preferences.topic_created", target: { type: "topic", id: row.id }, result: "success", context: ctx, details: { key: row.key, channels: row.channels, defaultOn: row.defaultOn, marketing: row.marketing } },
        tx,
      );
      return row;
    });
  } catch (e) {
    if (isDuplicateKey(e)) throw taken();
    throw e;
  }
}

/** Changes a topic's label, description, channels and defaults (topics:write); the key stays. */
export async function updateTopic(actor: Actor, id: string, input: Omit<TopicInput, "key">, ctx: RequestContext = {}): Promise<TopicRow> {
  assertPermission(actor, "topics:write");
  const current = await findTopicRow(id);
  if (!current) throw new PreferenceError("not_found", "This topic does not exist.");
  const { key: _key, ...topic } = parseTopic({ ...input, key: current.key });
  return withTransaction(async (tx) => {
    const row = await updateTopicRow(current.id, topic, tx);
    await recordAudit(
      { actor: { type: "admin", id: actor.id }, action: "preferences.topic_updated", target: { type: "topic", id: row.id }, result: "success", context: ctx, details: { key: row.key, channels: row.channels, defaultOn: row.defaultOn, marketing: row.marketing } },
      tx,
    );
    return row;
  });
}

/** The customer's copy of their data (lib/privacy): every topic with their choice per channel; null for a disabled account. */
export async function preferencesForExport(userId: string): Promise<TopicPreferences[] | null> {
  return getPreferences({ id: userId, roles: [] }, userId).catch((e: unknown) => {
    if (e instanceof PreferenceError && e.code === "not_found") return null;
    throw e;
  });
}
