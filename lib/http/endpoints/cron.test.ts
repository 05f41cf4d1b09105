// The cron route is the whole background of a serverless deployment: with no poller running, one
// authorised GET delivers mail, back-channel logout tokens and account jobs (and the mail those
// jobs queue), and runs the janitor. A missing or wrong secret, or no CRON_SECRET at all, is refused
// before anything runs.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { startSmtp, type TestSmtp } from "@/test/smtp-server";
import { reloadConfig } from "@/lib/config";
import { hashPassword } from "@/lib/credentials";
import { enqueueMail } from "@/lib/mail";
import { enqueueHttpDelivery } from "@/lib/outbound";
import { outboxWorkerRunning } from "@/lib/outbox";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { requestPasswordReset } from "@/lib/users";
import { GET } from "./cron";

const t = useTestDatabase();
const SECRET = "c".repeat(48);

const cron = (authorization?: string) =>
  GET({ method: "GET", url: "/api/cron", headers: { get: (n: string) => (n.toLowerCase() === "authorization" ? (authorization ?? null) : null) }, text: async () => "" });

let smtp: TestSmtp;
let rp: http.Server;
let rpUrl: string;
const logoutBodies: string[] = [];

beforeAll(async () => {
  smtp = await startSmtp();
  rp = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      logoutBodies.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => rp.listen(0, "127.0.0.1", () => r()));
  rpUrl = `http://127.0.0.1:${(rp.address() as AddressInfo).port}/backchannel-logout`;
  Object.assign(process.env, { CRON_SECRET: SECRET, SMTP_URL: smtp.url, OUTBOUND_ALLOW_LOOPBACK: "1" });
  reloadConfig();
});
afterAll(async () => {
  for (const k of ["CRON_SECRET", "SMTP_URL", "OUTBOUND_ALLOW_LOOPBACK"]) delete process.env[k];
  reloadConfig();
  await smtp?.close();
  await new Promise((r) => rp?.close(r));
});
beforeEach(async () => {
  await resetFixedWindowLimitsForTests();
  await t.db().mailMessage.deleteMany();
  await t.db().httpDelivery.deleteMany();
  await t.db().accountJob.deleteMany();
  logoutBodies.length = 0;
  smtp.received.length = 0;
});

async function queueOneOfEach() {
  await t.db().user.upsert({
    where: { email: "ada@example.com" },
    create: { email: "ada@example.com", passwordHash: await hashPassword("harbour-lantern-mosaic-77-kites"), emailVerifiedAt: new Date() },
    update: {},
  });
  await enqueueMail({ to: "grace@example.com", template: "password-changed", data: {} });
  await enqueueHttpDelivery({ kind: "backchannel_logout", url: rpUrl, contentType: "application/x-www-form-urlencoded", body: "logout_token=t1" });
  await requestPasswordReset("ada@example.com", { ip: "192.0.2.50" });
}

async function pending() {
  return {
    mail: await t.db().mailMessage.count({ where: { status: "pending" } }),
    http: await t.db().httpDelivery.count({ where: { status: "pending" } }),
    jobs: await t.db().accountJob.count(),
  };
}

describe(`GET /api/cron on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("refuses a missing or wrong secret, and does nothing", async () => {
    await queueOneOfEach();
    for (const auth of [undefined, "", "Bearer", `Bearer ${SECRET}x`, `Bearer ${SECRET.slice(1)}`, `Basic ${SECRET}`, SECRET]) {
      const r = await cron(auth);
      expect(r.status).toBe(401);
      expect(r.headers["WWW-Authenticate"]).toBe("Bearer");
    }
    expect(await pending()).toEqual({ mail: 1, http: 1, jobs: 1 });
    expect(smtp.received).toEqual([]);
    expect(logoutBodies).toEqual([]);
  });

  it("drains every queue with no poller running: a mail, a back-channel logout, an account job and the mail it queues", async () => {
    await queueOneOfEach();
    expect(outboxWorkerRunning()).toBe(false);
    const r = await cron(`Bearer ${SECRET}`);
    expect(r.status).toBe(200);
    expect(r.headers["Cache-Control"]).toBe("no-store");
    const summary = JSON.parse(r.body!);
    expect(summary.outbox).toMatchObject({ mail: { done: 2, failed: 0 }, http: { done: 1, failed: 0 }, "account-jobs": { done: 1, failed: 0 } });
    expect(summary.janitor).toMatchObject({ "mail.deleted": 0, "http.deleted": 0 });
    expect(await pending()).toEqual({ mail: 0, http: 0, jobs: 0 });
    expect(smtp.received.map((m) => m.rcpt[0]).sort()).toEqual(["ada@example.com", "grace@example.com"]);
    expect(logoutBodies).toEqual(["logout_token=t1"]);
    // Nothing left: a second run finds no work.
    const again = JSON.parse((await cron(`Bearer ${SECRET}`)).body!);
    expect(again.outbox).toMatchObject({ mail: { done: 0 }, http: { done: 0 }, "account-jobs": { done: 0 } });
  });

  it("is refused altogether while CRON_SECRET is unset", async () => {
    delete process.env.CRON_SECRET;
    reloadConfig();
    try {
      await enqueueMail({ to: "grace@example.com", template: "password-changed", data: {} });
      expect((await cron(`Bearer ${SECRET}`)).status).toBe(401);
      expect((await cron("Bearer ")).status).toBe(401);
      expect((await cron()).status).toBe(401);
      expect(await pending()).toMatchObject({ mail: 1 });
    } finally {
      process.env.CRON_SECRET = SECRET;
      reloadConfig();
    }
  });
});
