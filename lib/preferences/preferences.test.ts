import { describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { identityEventsOf } from "@/lib/events";
import { PermissionError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/users";
import { createTopic, getPreferences, listTopics, updatePreferences, updateTopic, PreferenceError, type TopicInput } from "./index";
import { changesFromForm, topicSchema } from "./preferences.schema";

const t = useTestDatabase();
const rand = () => crypto.randomBytes(4).toString("hex");
const customer = async () => {
  const u = await t.db().user.create({ data: { email: `prefs-${rand()}@example.com`, emailVerifiedAt: new Date() } });
  return { id: u.id, roles: [] as string[] };
};
const admin = async () => {
  const u = await customer();
  return { ...u, roles: [ADMIN_ROLE] };
};
const topic = (over: Partial<TopicInput> = {}): TopicInput => ({ key: `news-${rand()}`, label: "Newsletter", description: "Monthly news.", marketing: true, channels: ["email", "sms"], defaultOn: [], ...over });
const codeOf = async (p: Promise<unknown>) => p.then(() => "resolved", (e: { code?: string }) => e.code);

describe("topics", () => {
  it("an administrator defines a topic; it is audited; the key is unique", async () => {
    const a = await admin();
    const input = topic();
    const row = await createTopic(a, input, {});
    expect(row).toMatchObject({ key: input.key, channels: ["email", "sms"], defaultOn: [], marketing: true });
    const [event] = await listAuditEvents({ targetId: row.id, action: "preferences.topic_created" });
    expect(event).toMatchObject({ actorType: "admin", actorId: a.id });
    expect(await codeOf(createTopic(a, { ...topic(), key: input.key }))).toBe("topic_exists");
    expect((await listTopics(a)).filter((x) => x.key === input.key)).toHaveLength(1);
  });

  it("marketing cannot be on by default, and a default must be one of the topic's channels", async () => {
    const a = await admin();
    const err = await createTopic(a, topic({ defaultOn: ["email"] })).catch((e: PreferenceError) => e);
    expect(err).toBeInstanceOf(PreferenceError);
    expect((err as PreferenceError).fieldErrors?.defaultOn).toMatch(/opted out/);
    expect(topicSchema.safeParse(topic({ marketing: false, channels: ["email"], defaultOn: ["sms"] })).success).toBe(false);
    expect(topicSchema.safeParse(topic({ marketing: false, channels: ["email"], defaultOn: ["email"] })).success).toBe(true);
    expect(topicSchema.safeParse(topic({ key: "Bad Key" })).success).toBe(false);
  });

  it("a customer cannot define or list topics", async () => {
    const me = await customer();
    await expect(createTopic(me, topic())).rejects.toBeInstanceOf(PermissionError);
    await expect(listTopics(me)).rejects.toBeInstanceOf(PermissionError);
  });

  it("updating keeps the key and is audited", async () => {
    const a = await admin();
    const row = await createTopic(a, topic());
    const updated = await updateTopic(a, row.id, { label: "Service news", description: "", marketing: false, channels: ["email", "push"], defaultOn: ["email"] });
    expect(updated).toMatchObject({ key: row.key, label: "Service news", channels: ["email", "push"], defaultOn: ["email"] });
    expect(await listAuditEvents({ targetId: row.id, action: "preferences.topic_updated" })).toHaveLength(1);
    expect(await codeOf(updateTopic(a, crypto.randomUUID(), { label: "x", description: "", marketing: true, channels: ["email"], defaultOn: [] }))).toBe("not_found");
  });
});

describe("a customer's preferences", () => {
  it("defaults: marketing is off until chosen; a service topic's default applies until chosen", async () => {
    const a = await admin();
    const marketing = await createTopic(a, topic());
    const service = await createTopic(a, topic({ key: `svc-${rand()}`, label: "Service", marketing: false, channels: ["email", "push"], defaultOn: ["email"] }));
    const me = await customer();
    const prefs = await getPreferences(me, me.id);
    expect(prefs.find((p) => p.key === marketing.key)!.channels).toEqual([
      { channel: "email", optedIn: false, chosen: false, updatedAt: null },
      { channel: "sms", optedIn: false, chosen: false, updatedAt: null },
    ]);
    expect(prefs.find((p) => p.key === service.key)!.channels.map((c) => [c.channel, c.optedIn])).toEqual([
      ["email", true],
      ["push", false],
    ]);
  });

  it("the owner changes choices together; one audit event names the changed pairs; unchanged pairs are skipped", async () => {
    const a = await admin();
    const news = await createTopic(a, topic());
    const me = await customer();
    const { changed } = await updatePreferences(me, me.id, [
      { topic: news.key, channel: "email", optedIn: true },
      { topic: news.key, channel: "sms", optedIn: false },
    ]);
    expect(changed).toEqual([{ topic: news.key, channel: "email", optedIn: true }]);
    const email = (await getPreferences(me, me.id)).find((p) => p.key === news.key)!.channels[0]!;
    expect(email).toMatchObject({ channel: "email", optedIn: true, chosen: true });
    const events = await listAuditEvents({ targetId: me.id, action: "user.preferences_updated" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "user", actorId: me.id, details: { changes: [{ topic: news.key, label: "Newsletter", channel: "email", optedIn: true }] } });
    expect((await identityEventsOf(me.id)).map((e) => [e.type, e.data])).toEqual([["user.preferences_updated", { pairs: [{ topic: news.key, channel: "email" }] }]]);
    expect((await updatePreferences(me, me.id, [{ topic: news.key, channel: "email", optedIn: true }])).changed).toEqual([]);
    expect(await identityEventsOf(me.id)).toHaveLength(1);
    expect(await listAuditEvents({ targetId: me.id, action: "user.preferences_updated" })).toHaveLength(1);
  });

  it("an unknown topic, an unknown channel or a channel the topic does not use: a clear error and nothing saved", async () => {
    const a = await admin();
    const news = await createTopic(a, topic({ channels: ["email"] }));
    const me = await customer();
    const good = { topic: news.key, channel: "email", optedIn: true };
    expect(await codeOf(updatePreferences(me, me.id, [good, { topic: "no-such-topic", channel: "email", optedIn: true }]))).toBe("unknown_topic");
    expect(await codeOf(updatePreferences(me, me.id, [good, { topic: news.key, channel: "fax", optedIn: true }]))).toBe("unknown_channel");
    expect(await codeOf(updatePreferences(me, me.id, [good, { topic: news.key, channel: "sms", optedIn: true }]))).toBe("channel_not_offered");
    expect(await codeOf(updatePreferences(me, me.id, [good, { ...good, optedIn: false }]))).toBe("invalid_input");
    expect(await codeOf(updatePreferences(me, me.id, [{ topic: news.key, channel: "email", optedIn: "yes" } as never]))).toBe("invalid_input");
    expect((await getPreferences(me, me.id)).find((p) => p.key === news.key)!.channels[0]).toMatchObject({ optedIn: false, chosen: false });
    expect(await t.db().communicationPreference.count({ where: { userId: me.id } })).toBe(0);
    expect(await listAuditEvents({ targetId: me.id, action: "user.preferences_updated" })).toHaveLength(0);
    expect(await identityEventsOf(me.id)).toHaveLength(0);
  });

  it("another customer can neither read nor change them; an administrator can, audited as the administrator", async () => {
    const a = await admin();
    const news = await createTopic(a, topic());
    const me = await customer();
    const other = await customer();
    await expect(getPreferences(other, me.id)).rejects.toBeInstanceOf(PermissionError);
    await expect(updatePreferences(other, me.id, [{ topic: news.key, channel: "email", optedIn: true }])).rejects.toBeInstanceOf(PermissionError);
    expect(await t.db().communicationPreference.count({ where: { userId: me.id } })).toBe(0);
    await updatePreferences(a, me.id, [{ topic: news.key, channel: "sms", optedIn: true }]);
    expect((await getPreferences(a, me.id)).find((p) => p.key === news.key)!.channels[1]).toMatchObject({ channel: "sms", optedIn: true });
    const [event] = await listAuditEvents({ targetId: me.id, action: "user.preferences_updated" });
    expect(event).toMatchObject({ actorType: "admin", actorId: a.id });
  });

  it("an unknown or disabled account is not_found", async () => {
    const a = await admin();
    expect(await codeOf(getPreferences(a, crypto.randomUUID()))).toBe("not_found");
    const me = await customer();
    await t.db().user.update({ where: { id: me.id }, data: { disabledAt: new Date() } });
    expect(await codeOf(getPreferences(me, me.id))).toBe("not_found");
  });
});

describe("changesFromForm", () => {
  it("every shown pair is a change: ticked is on, unticked is off", () => {
    const form = new FormData();
    form.append("shown", "news:email");
    form.append("shown", "news:sms");
    form.append("on", "news:sms");
    form.append("on", "other:push");
    expect(changesFromForm(form)).toEqual([
      { topic: "news", channel: "email", optedIn: false },
      { topic: "news", channel: "sms", optedIn: true },
    ]);
  });
});
