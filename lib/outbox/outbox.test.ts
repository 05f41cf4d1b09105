// What every queue gets from the outbox and no queue repeats: dead letters kept for inspection
// without their secrets, retention by age, and a drain that follows work from one queue to another.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { enqueueHttpDelivery } from "@/lib/outbound";
import { drainAccountJobs } from "@/lib/users";
import { backoffSeconds, drainOutbox, kickOutbox, outboxQueues, outboxWorkerRunning, sweepOutbox } from "./index";

const t = useTestDatabase();

beforeEach(async () => {
  await t.db().accountJob.deleteMany();
  await t.db().httpDelivery.deleteMany();
  vi.restoreAllMocks();
});

describe(`outbox on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("knows the queues of the domains loaded: mail, HTTP deliveries, account jobs, identity events (lib/users emits them)", () => {
    expect(outboxQueues().map((q) => q.name).sort()).toEqual(["account-jobs", "http", "identity-events", "mail"]);
  });

  it("keeps an account job it gave up as a dead letter, without its payload (a password hash)", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const job = await t.db().accountJob.create({ data: { kind: "no_such_kind", email: "x@example.com", payload: { passwordHash: "$argon2id$secret" } } });
    for (let i = 0; i < 5; i++) {
      await t.db().accountJob.updateMany({ data: { nextAttemptAt: new Date(0) } });
      await drainAccountJobs();
    }
    const row = await t.db().accountJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: "failed", attempts: 5, payload: {}, email: "x@example.com", lastError: "unknown account job kind: no_such_kind" });
    // Given up: no further attempt.
    await t.db().accountJob.updateMany({ data: { nextAttemptAt: new Date(0) } });
    expect(await drainAccountJobs()).toBe(0);
    expect((await t.db().accountJob.findUniqueOrThrow({ where: { id: job.id } })).attempts).toBe(5);
  });

  it("deletes rows past their queue's retention, whatever their status, and keeps the rest", async () => {
    const old = await enqueueHttpDelivery({ kind: "test", url: "https://rp.example.com/hook", contentType: "text/plain", body: "x" });
    const recent = await enqueueHttpDelivery({ kind: "test", url: "https://rp.example.com/hook", contentType: "text/plain", body: "y" });
    await t.db().httpDelivery.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 31 * 24 * 3600_000) } });
    expect(await sweepOutbox()).toMatchObject({ "http.deleted": 1 });
    expect((await t.db().httpDelivery.findMany()).map((d) => d.id)).toEqual([recent.id]);
  });

  it("a drain with nothing due does nothing, and a kick outside a request without a poller is a no-op", async () => {
    expect(outboxWorkerRunning()).toBe(false);
    expect(() => kickOutbox()).not.toThrow();
    expect(await drainOutbox()).toEqual({ mail: { done: 0, failed: 0 }, http: { done: 0, failed: 0 }, "account-jobs": { done: 0, failed: 0 }, "identity-events": { done: 0, failed: 0 } });
  });

  it("backs off exponentially up to the cap", () => {
    const policy = { baseSeconds: 5, maxBackoffSeconds: 60, maxAttempts: 9 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffSeconds(a, policy))).toEqual([5, 10, 20, 40, 60, 60]);
  });
});
