// Identity events: one exists exactly when its change committed, it is published to every sink
// (again after a failure), and the domains that change a person emit theirs. No personal values.
import crypto from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { withTransaction } from "@/lib/db";
import { updateProfile } from "@/lib/profile";
import { requestDataExport } from "@/lib/privacy";
import { eraseAccountsDue, requestAccountDeletion } from "@/lib/sign-in";
import { cancelAccountDeletion } from "@/lib/users";
import { emitIdentityEvent, identityEventsOf, registerEventSink, runDueIdentityEvents, unregisterEventSink, type IdentityEvent } from "./index";

const t = useTestDatabase();
const DAY = 24 * 3600_000;

async function customer() {
  const u = await t.db().user.create({ data: { email: `events-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  return { id: u.id, email: u.email, roles: [] as string[] };
}

afterEach(() => unregisterEventSink("test"));

describe("emitIdentityEvent", () => {
  it("writes the event with the change's transaction: none when it rolls back", async () => {
    const user = await customer();
    await withTransaction((tx) => emitIdentityEvent({ type: "user.profile_updated", userId: user.id, data: { fields: ["given_name"] } }, tx));
    await withTransaction(async (tx) => {
      await emitIdentityEvent({ type: "user.profile_updated", userId: user.id, data: { fields: ["locale"] } }, tx);
      throw new Error("the change failed");
    }).catch(() => {});
    const events = await identityEventsOf(user.id);
    expect(events.map((e) => e.data)).toEqual([{ fields: ["given_name"] }]);
  });
});

describe("publication", () => {
  it("hands each event to the sinks once, and retries one a sink failed on", async () => {
    const user = await customer();
    await withTransaction(async (tx) => {
      await emitIdentityEvent({ type: "user.export_requested", userId: user.id, data: { exportId: "e1" } }, tx);
      await emitIdentityEvent({ type: "user.profile_updated", userId: user.id, data: { fields: ["nickname"] } }, tx);
    });
    let failOnce = true;
    const received: IdentityEvent[] = [];
    registerEventSink("test", async (event) => {
      if (event.userId !== user.id) return;
      if (failOnce && event.type === "user.export_requested") {
        failOnce = false;
        throw new Error("the receiver is down");
      }
      received.push(event);
    });
    await runDueIdentityEvents(50);
    const afterFailure = await t.db().identityEvent.findMany({ where: { userId: user.id }, orderBy: { type: "asc" } });
    expect(afterFailure.map((r) => [r.type, r.status, r.attempts])).toEqual([["user.export_requested", "pending", 1], ["user.profile_updated", "published", 0]]);
    expect(received.map((e) => e.type)).toEqual(["user.profile_updated"]);

    await t.db().identityEvent.updateMany({ where: { userId: user.id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await runDueIdentityEvents(50);
    expect(received.map((e) => e.type)).toEqual(["user.profile_updated", "user.export_requested"]);
    expect(received[1]).toMatchObject({ userId: user.id, data: { exportId: "e1" } });
    const published = await t.db().identityEvent.findMany({ where: { userId: user.id } });
    expect(published.every((r) => r.status === "published" && r.publishedAt)).toBe(true);

    await runDueIdentityEvents(50);
    expect(received).toHaveLength(2); // published events are not handed out again
  });
});

describe("the domains emit", () => {
  it("a profile change names the fields, never the values", async () => {
    const user = await customer();
    await updateProfile(user, user.id, { givenName: "Grace", locale: "en-GB" }, {});
    const [event] = await identityEventsOf(user.id);
    expect(event).toMatchObject({ type: "user.profile_updated", data: { fields: expect.arrayContaining(["givenName", "locale"]) } });
    expect(JSON.stringify(event!.data)).not.toContain("Grace");
  });

  it("an export request, a deletion request and its cancellation, and the erasure", async () => {
    const user = await customer();
    const exported = await requestDataExport(user, user.id, {});
    const now = new Date();
    await requestAccountDeletion(user, user.id, {}, now);
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: user.email!, template: "account-deletion-scheduled" } });
    await cancelAccountDeletion(/cancel-deletion\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!, {}, now);
    const events = await identityEventsOf(user.id);
    expect(events.map((e) => e.type)).toEqual(["user.export_requested", "user.deletion_requested", "user.deletion_cancelled"]);
    expect(events[0]!.data).toEqual({ exportId: exported.id });
    expect(events[1]!.data).toEqual({ eraseAfter: expect.any(String) });

    const erased = await customer();
    await requestAccountDeletion(erased, erased.id, {}, now);
    await eraseAccountsDue(new Date(now.getTime() + 31 * DAY));
    // The earlier events went with the account; one tells subscribers to erase their copies.
    expect((await identityEventsOf(erased.id)).map((e) => e.type)).toEqual(["user.deleted"]);
  });
});
