// Mail rows do not keep live secrets: once a message is delivered (or given up), its body (the
// reset link, the sign-in code) is removed and only the metadata stays; the janitor deletes rows
// past MAIL_RETENTION_DAYS. The dev outbox keeps what it "delivered" only while it is on.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { config, parseConfig, reloadConfig } from "@/lib/config";
import { deliverDueMail, enqueueMail, getOutboxMessage, sweepMail, type MailTransport } from "./index";

// Without SMTP_URL the default transport is the dev outbox (on in tests: NODE_ENV=test).
delete process.env.SMTP_URL;

const t = useTestDatabase();
const SECRET_LINK = "https://id.example.com/reset-password?token=secret_reset_token_value";
const DAY = 24 * 3600_000;

function smtpLike(reply?: () => Error | undefined): MailTransport {
  return {
    name: "smtp",
    async send() {
      const e = reply?.();
      if (e) throw e;
    },
  };
}

const row = (id: string) => t.db().mailMessage.findUniqueOrThrow({ where: { id } });

beforeEach(async () => {
  await t.db().mailMessage.deleteMany();
  vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  vi.mocked(console.warn).mockRestore();
  delete process.env.PORTICO_DEV_OUTBOX;
  delete process.env.MAIL_RETENTION_DAYS;
  reloadConfig();
});

describe(`mail retention on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("removes the body of a delivered message and keeps its metadata", async () => {
    const { id } = await enqueueMail({ to: "ada@example.com", template: "reset-password", data: { link: SECRET_LINK } });
    expect((await row(id)).text).toContain("secret_reset_token_value"); // still needed until it is sent
    expect(await deliverDueMail({ transport: smtpLike() })).toEqual({ sent: 1, failed: 0 });

    const after = await row(id);
    expect(after).toMatchObject({ to: "ada@example.com", template: "reset-password", status: "sent", transport: "smtp", text: "", html: "" });
    expect(after.subject).toBe("Reset your Portico password");
    expect(after.sentAt).toBeInstanceOf(Date);
    expect(after.bodyPurgedAt).toBeInstanceOf(Date);
  });

  it("removes a secret from the subject too (the sign-in code)", async () => {
    const { id } = await enqueueMail({ to: "code@example.com", template: "sign-in-code", data: { code: "480213", minutes: 10 } });
    await deliverDueMail({ transport: smtpLike() });
    const after = await row(id);
    expect(after.subject).not.toContain("480213");
    expect(after.subject).toContain("sign-in code");
    expect(JSON.stringify(after)).not.toContain("480213");
  });

  it("keeps the body while delivery is retried, removes it when the message is given up", async () => {
    const busy = Object.assign(new Error("451 try later"), { responseCode: 451 });
    const gone = Object.assign(new Error("550 no such mailbox"), { responseCode: 550, code: "EENVELOPE" });
    const { id } = await enqueueMail({ to: "bounce@example.com", template: "reset-password", data: { link: SECRET_LINK } });
    await deliverDueMail({ transport: smtpLike(() => busy) });
    expect(await row(id)).toMatchObject({ status: "pending", bodyPurgedAt: null });
    expect((await row(id)).text).toContain("secret_reset_token_value");

    await t.db().mailMessage.update({ where: { id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await deliverDueMail({ transport: smtpLike(() => gone) });
    const dead = await row(id);
    expect(dead).toMatchObject({ status: "failed", text: "", html: "", to: "bounce@example.com", template: "reset-password" });
    expect(dead.lastError).toMatch(/550/);
    expect(dead.bodyPurgedAt).toBeInstanceOf(Date);
  });

  it("the dev outbox keeps what it delivered while it is on, and the janitor removes it once it is off", async () => {
    expect(config().devOutbox).toBe(true);
    const { id } = await enqueueMail({ to: "dev@example.com", template: "reset-password", data: { link: SECRET_LINK } });
    expect(await deliverDueMail()).toEqual({ sent: 1, failed: 0 });
    expect(await row(id)).toMatchObject({ status: "sent", transport: "outbox", bodyPurgedAt: null });
    expect((await getOutboxMessage(id))?.text).toContain("secret_reset_token_value");
    await sweepMail();
    expect((await row(id)).text).toContain("secret_reset_token_value");

    process.env.PORTICO_DEV_OUTBOX = "0";
    reloadConfig();
    expect(await sweepMail()).toMatchObject({ bodiesRemoved: 1 });
    expect(await row(id)).toMatchObject({ text: "", html: "", status: "sent" });
  });

  it("the outbox transport of a server without the dev outbox keeps nothing either", async () => {
    process.env.PORTICO_DEV_OUTBOX = "0";
    reloadConfig();
    const { id } = await enqueueMail({ to: "nowhere@example.com", template: "reset-password", data: { link: SECRET_LINK } });
    await deliverDueMail();
    expect(await row(id)).toMatchObject({ status: "sent", transport: "outbox", text: "", html: "" });
  });

  it("the janitor deletes messages older than MAIL_RETENTION_DAYS, whatever their status", async () => {
    const now = new Date();
    const old = await enqueueMail({ to: "old@example.com", template: "password-changed", data: {} });
    const pendingOld = await enqueueMail({ to: "stuck@example.com", template: "password-changed", data: {} });
    const recent = await enqueueMail({ to: "recent@example.com", template: "password-changed", data: {} });
    await t.db().mailMessage.update({ where: { id: old.id }, data: { createdAt: new Date(now.getTime() - 31 * DAY), status: "sent" } });
    await t.db().mailMessage.update({ where: { id: pendingOld.id }, data: { createdAt: new Date(now.getTime() - 31 * DAY) } });
    await t.db().mailMessage.update({ where: { id: recent.id }, data: { createdAt: new Date(now.getTime() - 29 * DAY) } });

    expect(config().MAIL_RETENTION_DAYS).toBe(30);
    expect(await sweepMail(now)).toMatchObject({ deleted: 2 });
    expect((await t.db().mailMessage.findMany()).map((m) => m.id)).toEqual([recent.id]);

    process.env.MAIL_RETENTION_DAYS = "7";
    reloadConfig();
    expect(await sweepMail(now)).toMatchObject({ deleted: 1 });
    expect(await t.db().mailMessage.count()).toBe(0);
  });

  it("MAIL_RETENTION_DAYS is a whole number of days, at least one", () => {
    expect(() => parseConfig({ MAIL_RETENTION_DAYS: "0", PORTICO_SECRET: "a".repeat(64) })).toThrow(/MAIL_RETENTION_DAYS/);
    expect(() => parseConfig({ MAIL_RETENTION_DAYS: "soon", PORTICO_SECRET: "a".repeat(64) })).toThrow(/MAIL_RETENTION_DAYS/);
    expect(parseConfig({ MAIL_RETENTION_DAYS: "90", PORTICO_SECRET: "a".repeat(64) }).MAIL_RETENTION_DAYS).toBe(90);
  });
});
