import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { decodeQuotedPrintable, startSmtp, type TestSmtp } from "@/test/smtp-server";
import { config } from "@/lib/config";
import {
  createSmtpTransport,
  deliverDueMail,
  enqueueMail,
  getOutboxMessage,
  listOutbox,
  mailQueue,
  retryDelaySeconds,
  type MailTransport,
  type OutgoingMail,
} from "./index";
import { kickOutbox, startOutboxWorker, stopOutboxWorker } from "@/lib/outbox";

// The outbox test relies on the default transport; config() reads the environment once.
delete process.env.SMTP_URL;

const t = useTestDatabase();


function recordingTransport(delayMs = 0): MailTransport & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    name: "smtp",
    sent,
    async send(mail) {
      if (delayMs) await new Promise((r) => setTimeout(r, Math.random() * delayMs));
      sent.push(mail);
    },
  };
}

async function makeDue(id: string) {
  await t.db().mailMessage.update({ where: { id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
}

let smtp: TestSmtp;
let transport: MailTransport;

beforeAll(async () => {
  smtp = await startSmtp();
  transport = createSmtpTransport(smtp.url, { from: "Portico <no-reply@portico.test>", timeoutMs: 5000 });
});
afterAll(async () => {
  await stopOutboxWorker();
  await smtp?.close();
});
beforeEach(async () => {
  await t.db().mailMessage.deleteMany();
  smtp.received.length = 0;
  smtp.reject = () => undefined;
  smtp.attempts = 0;
});

describe(`mail outbox on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("delivers a queued message over SMTP with the recipient, subject and both parts", async () => {
    const link = "https://id.example.com/verify?token=tok_123&next=%2Fhome";
    const { id } = await enqueueMail({ to: "ada@example.com", template: "verify-email", data: { link, name: "Ada" } });

    expect(await deliverDueMail({ transport })).toEqual({ sent: 1, failed: 0 });

    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.rcpt).toEqual(["ada@example.com"]);
    expect(got.raw).toMatch(/^Subject: Verify your email address for Portico\r?$/m);
    expect(got.raw).toMatch(/^To: ada@example\.com\r?$/m);
    expect(got.raw).toMatch(/^From: Portico <no-reply@portico\.test>\r?$/m);
    expect(got.raw).toContain("Content-Type: text/plain");
    expect(got.raw).toContain("Content-Type: text/html");
    const body = decodeQuotedPrintable(got.raw);
    expect(body).toContain(link); // text part
    expect(body).toContain(`href="${link.replace("&", "&amp;")}"`); // html part

    const row = await t.db().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "sent", transport: "smtp", attempts: 0, lockedUntil: null });
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(await deliverDueMail({ transport })).toEqual({ sent: 0, failed: 0 });
  });

  it("keeps a message the server refused (451), backs off, and delivers it on the next due pass", async () => {
    smtp.reject = (n) => (n === 1 ? 451 : undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const link = "https://id.example.com/reset?token=secret_token_value";
    const { id } = await enqueueMail({ to: "bob@example.com", template: "reset-password", data: { link } });

    const before = Date.now();
    expect(await deliverDueMail({ transport })).toEqual({ sent: 0, failed: 1 });
    const row = await t.db().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/451/);
    expect(row.lockedUntil).toBeNull();
    // base 1 s (test/setup-env.ts) * 2^0; allow a little clock difference with the database.
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 800);
    expect(smtp.received).toHaveLength(0);
    // The log says what failed, never what the message said.
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]![0])).toContain(id);
    expect(String(warn.mock.calls[0]![0])).not.toContain("secret_token_value");
    warn.mockRestore();

    await makeDue(id);
    expect(await deliverDueMail({ transport })).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(decodeQuotedPrintable(smtp.received[0]!.raw)).toContain(link);
    const done = await t.db().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(done).toMatchObject({ status: "sent", attempts: 1, lastError: null });
  });

  it("gives up after MAIL_MAX_ATTEMPTS failures", async () => {
    smtp.reject = () => 451;
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const max = config().MAIL_MAX_ATTEMPTS;
    const { id } = await enqueueMail({ to: "carol@example.com", template: "password-changed", data: {} });
    for (let i = 1; i <= max; i++) {
      expect(await deliverDueMail({ transport })).toEqual({ sent: 0, failed: 1 });
      const row = await t.db().mailMessage.findUniqueOrThrow({ where: { id } });
      expect(row.attempts).toBe(i);
      expect(row.status).toBe(i < max ? "pending" : "failed");
      await makeDue(id);
    }
    expect(await deliverDueMail({ transport })).toEqual({ sent: 0, failed: 0 });
    vi.mocked(console.warn).mockRestore();
  });

  it("gives up at once when the server permanently refuses the message (5xx)", async () => {
    smtp.reject = () => 550;
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { id } = await enqueueMail({ to: "gone@example.com", template: "password-changed", data: {} });
    expect(await deliverDueMail({ transport })).toEqual({ sent: 0, failed: 1 });
    const row = await t.db().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toMatch(/550/);
    vi.mocked(console.warn).mockRestore();
  });

  it("records an unreachable server as a failed attempt instead of throwing", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const closed = await startSmtp();
    await closed.close();
    const { id } = await enqueueMail({ to: "dan@example.com", template: "password-changed", data: {} });
    const r = await deliverDueMail({ transport: createSmtpTransport(closed.url, { timeoutMs: 2000 }) });
    expect(r).toEqual({ sent: 0, failed: 1 });
    const row = await t.db().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(row.lastError).toBeTruthy();
    expect(row.status).toBe("pending");
    vi.mocked(console.warn).mockRestore();
  });

  it("without SMTP_URL uses the outbox transport and lists messages newest first", async () => {
    const a = await enqueueMail({ to: "eve@example.com", template: "verify-email", data: { link: "https://x.example/1" } });
    const b = await enqueueMail({ to: "eve@example.com", template: "reset-password", data: { link: "https://x.example/2" } });
    await enqueueMail({ to: "frank@example.com", template: "password-changed", data: {} });

    expect(await deliverDueMail()).toEqual({ sent: 3, failed: 0 });

    const eve = await listOutbox({ to: "eve@example.com" });
    expect(eve.map((m) => m.id)).toEqual([b.id, a.id]);
    expect(eve.every((m) => m.status === "sent" && m.transport === "outbox")).toBe(true);
    expect(await listOutbox({ take: 1 })).toHaveLength(1);
    expect(await listOutbox()).toHaveLength(3);

    const one = await getOutboxMessage(a.id);
    expect(one?.text).toContain("https://x.example/1");
    expect(await getOutboxMessage("not-a-uuid")).toBeNull();
    expect(await getOutboxMessage("00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("answers an address with a NUL byte (/dev/mail?to=%00) with no messages, not a database error", async () => {
    expect(await listOutbox({ to: "eve@example.com\u0000" })).toEqual([]);
    expect(await listOutbox({ to: "\u0000" })).toEqual([]);
  });

  it("never sends a message twice when several passes run concurrently", async () => {
    const n = 25;
    for (let i = 0; i < n; i++) {
      await enqueueMail({ to: `user${i}@example.com`, template: "password-changed", data: {} });
    }
    const recorder = recordingTransport(15);
    const worker = async () => {
      let total = 0;
      for (;;) {
        const r = await deliverDueMail({ transport: recorder, limit: 3 });
        if (r.sent + r.failed === 0) return total;
        total += r.sent;
      }
    };
    const totals = await Promise.all([worker(), worker(), worker(), worker()]);
    expect(totals.reduce((x, y) => x + y, 0)).toBe(n);
    const recipients = recorder.sent.map((m) => m.to);
    expect(new Set(recipients).size).toBe(n);
    expect(recipients).toHaveLength(n);
    expect(await t.db().mailMessage.count({ where: { status: "sent" } })).toBe(n);
  });

  it("writes the message inside the caller's transaction", async () => {
    await expect(
      t.db().$transaction(async (tx) => {
        await enqueueMail({ to: "rolled@example.com", template: "password-changed", data: {} }, tx);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await t.db().$transaction(async (tx) => {
      await enqueueMail({ to: "kept@example.com", template: "password-changed", data: {} }, tx);
    });
    expect(await t.db().mailMessage.count({ where: { to: "rolled@example.com" } })).toBe(0);
    expect(await t.db().mailMessage.count({ where: { to: "kept@example.com" } })).toBe(1);
  });

  it("rejects bad input with stable codes before anything is stored", async () => {
    await expect(
      enqueueMail({ to: "a@b.example\r\nBcc: x@y.example", template: "password-changed", data: {} }),
    ).rejects.toMatchObject({ code: "mail.invalid_recipient" });
    await expect(
      enqueueMail({ to: "a@b.example", template: "verify-email", data: { link: "javascript:alert(1)" } }),
    ).rejects.toMatchObject({ code: "mail.invalid_link" });
    expect(await t.db().mailMessage.count()).toBe(0);
  });

  it("the worker sends right after enqueue when kicked, without waiting for the poll", async () => {
    const recorder = recordingTransport();
    startOutboxWorker({ queues: [mailQueue({ transport: recorder })], intervalMs: 60_000 });
    startOutboxWorker({ queues: [mailQueue({ transport: recordingTransport() })], intervalMs: 10 }); // idempotent: ignored
    await enqueueMail({ to: "grace@example.com", template: "password-changed", data: {} });
    await vi.waitFor(() => expect(recorder.sent.map((m) => m.to)).toEqual(["grace@example.com"]), { timeout: 5000 });
    // Kicks while idle or mid-pass are harmless.
    kickOutbox();
    kickOutbox();
    await stopOutboxWorker();
    expect(recorder.sent).toHaveLength(1);
  });
});

describe("retry backoff", () => {
  it("doubles from the base and is capped at one hour", () => {
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(a, 30))).toEqual([30, 60, 120, 240]);
    expect(retryDelaySeconds(20, 30)).toBe(3600);
  });
});
