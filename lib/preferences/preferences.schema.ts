// Browser-safe shapes of communication preferences: the channels, a topic as an administrator
// defines it, and a customer's changes. One schema for every write path (the console, the portal,
// and applications acting for a customer later).
import { z } from "zod";

/** The channels a topic may use, in the order pages show them. */
export const CHANNELS = ["email", "sms", "push"] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, string> = { email: "Email", sms: "Text message", push: "Push notification" };

export function isChannel(value: unknown): value is Channel {
  return typeof value === "string" && (CHANNELS as readonly string[]).includes(value);
}

/** A topic's stable key, as applications name it: lower-case letters, digits, `_` and `-`. */
export const TOPIC_KEY_PATTERN = /^[a-z][a-z0-9_-]{1,63}$/;
export const TOPIC_LABEL_MAX_LENGTH = 100;
export const TOPIC_DESCRIPTION_MAX_LENGTH = 500;

const channelList = z.array(z.enum(CHANNELS)).transform((list) => CHANNELS.filter((c) => list.includes(c)));

/**
 * A topic as the console writes it. `defaultOn` lists the channels a customer who never chose is
 * opted in to: a subset of `channels`, and empty for marketing (GDPR art. 4(11) and 7: consent is a
 * clear affirmative act, so marketing starts opted out).
 */
export const topicSchema = z
  .object({
    key: z.string().trim().regex(TOPIC_KEY_PATTERN, "2 to 64 characters: lower-case letters, digits, - and _, starting with a letter."),
    label: z.string().trim().min(1, "Give the topic a name customers understand.").max(TOPIC_LABEL_MAX_LENGTH, `At most ${TOPIC_LABEL_MAX_LENGTH} characters.`),
    description: z.string().trim().max(TOPIC_DESCRIPTION_MAX_LENGTH, `At most ${TOPIC_DESCRIPTION_MAX_LENGTH} characters.`),
    marketing: z.boolean(),
    channels: channelList.refine((list) => list.length > 0, "Choose at least one channel."),
    defaultOn: channelList,
  })
  .superRefine((topic, ctx) => {
    if (topic.defaultOn.some((c) => !topic.channels.includes(c))) {
      ctx.addIssue({ code: "custom", path: ["defaultOn"], message: "A channel can be on by default only if the topic uses it." });
    }
    if (topic.marketing && topic.defaultOn.length > 0) {
      ctx.addIssue({ code: "custom", path: ["defaultOn"], message: "Marketing must start opted out: customers opt in themselves." });
    }
  });
export type TopicInput = z.infer<typeof topicSchema>;

/**
 * One choice of a customer: a topic (by key) on a channel. Unknown topics and channels are refused
 * by the domain with a clear error rather than here, so that an application's request names what
 * was wrong.
 */
export const preferenceChangeSchema = z.object({
  topic: z.string().max(64),
  channel: z.string().max(16),
  optedIn: z.boolean(),
});
export type PreferenceChange = z.infer<typeof preferenceChangeSchema>;
export const preferenceChangesSchema = z.array(preferenceChangeSchema).max(500);

/** The portal form: a checkbox `on` per ticked "topic:channel", a hidden `shown` per pair the page rendered. */
export function changesFromForm(form: FormData): PreferenceChange[] {
  const on = new Set(form.getAll("on").filter((v): v is string => typeof v === "string"));
  const shown = [...new Set(form.getAll("shown").filter((v): v is string => typeof v === "string"))];
  return shown.map((pair) => {
    const i = pair.lastIndexOf(":");
    return { topic: pair.slice(0, i), channel: pair.slice(i + 1), optedIn: on.has(pair) };
  });
}
