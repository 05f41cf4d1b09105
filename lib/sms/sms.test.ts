// Sending through the HTTP gateway (a local server standing in for the provider) and the dev
// outbox, with what is recorded of each message.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { FakeSmsGateway } from "@/test/sms-gateway";
import { parseConfig, reloadConfig } from "@/lib/config";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { httpGatewayTransport, listSmsOutbox, outboxSmsTransport, purgeOldSmsMessages, sendSms, SmsError } from "./index";

const t = useTestDatabase();
const gateway = new FakeSmsGateway();
const TOKEN = "gateway-token-0123456789";
let url: string;
let n = 0;

/** A fresh (valid, Spanish mobile) number per test, so per-number limits do not carry over. */
const nextNumber = () => `+346${String(10_000_000 + ++n).padStart(8, "0")}`;

async function smsError(p: Promise<unknown>): Promise<SmsError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(SmsError);
  return e as SmsError;
}

beforeAll(async () => {
  // The gateway is a local stand-in: opt into loopback explicitly (off by default, the SSRF guard).
  process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
  reloadConfig();
  url = await gateway.listen();
});
afterAll(() => {
  delete process.env.OUTBOUND_ALLOW_LOOPBACK;
  reloadConfig();
  return gateway.close();
});
beforeEach(() => resetFixedWindowLimitsForTests());

describe("HTTP gateway", () => {
  it("POSTs JSON with the bearer token and records the message without its text", async () => {
    const to = nextNumber();
    const transport = httpGatewayTransport({ url, token: TOKEN, from: "Portico" });
    const { id } = await sendSms({ to, text: "Your code is 123456", purpose: "sign-in-code" }, { transport });
    const request = gateway.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", path: "/sms", authorization: `Bearer ${TOKEN}`, contentType: "application/json" });
    expect(request.body).toEqual({ to, text: "Your code is 123456", from: "Portico" });
    const row = await t.db().smsMessage.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ to, purpose: "sign-in-code", transport: "http", status: "sent", attempts: 1, text: null });
    expect(row.providerMessageId).toMatch(/^msg-\d+$/);
  });

  it("tries once more after a transient failure (5xx, 429)", async () => {
    const to = nextNumber();
    gateway.answerNext({ status: 503 });
    const { id } = await sendSms({ to, text: "Your code is 222222", purpose: "sign-in-code" }, { transport: httpGatewayTransport({ url, token: TOKEN }) });
    expect(gateway.requests.filter((r) => r.body.to === to)).toHaveLength(2);
    expect(await t.db().smsMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("gives up at once when the gateway refuses the message (4xx), and says so without a 500", async () => {
    const to = nextNumber();
    gateway.answerNext({ status: 400, body: '{"error":"unroutable"}' });
    const e = await smsError(sendSms({ to, text: "Your code is 333333", purpose: "sign-in-code" }, { transport: httpGatewayTransport({ url, token: TOKEN }) }));
    expect(e.code).toBe("sms.delivery_failed");
    expect(e.message).toMatch(/could not send a text message/);
    expect(gateway.requests.filter((r) => r.body.to === to)).toHaveLength(1);
    const [row] = await t.db().smsMessage.findMany({ where: { to } });
    expect(row).toMatchObject({ status: "failed", attempts: 1, text: null });
    expect(row!.lastError).toContain("400");
  });

  it("counts an unreachable gateway as a failure, twice tried", async () => {
    const to = nextNumber();
    const e = await smsError(sendSms({ to, text: "x 444444", purpose: "sign-in-code" }, { transport: httpGatewayTransport({ url: "http://127.0.0.1:1/sms", token: TOKEN, timeoutMs: 1000 }) }));
    expect(e.code).toBe("sms.delivery_failed");
    expect(await t.db().smsMessage.findFirstOrThrow({ where: { to } })).toMatchObject({ status: "failed", attempts: 2 });
  });

  it("refuses a gateway on an internal address (SSRF guard) at once, without retrying", async () => {
    delete process.env.OUTBOUND_ALLOW_LOOPBACK;
    reloadConfig();
    try {
      const before = gateway.requests.length;
      for (const gatewayUrl of [url, "http://169.254.169.254/sms", "http://[fd00::1]/sms"]) {
        const to = nextNumber();
        const e = await smsError(sendSms({ to, text: "x 777777", purpose: "sign-in-code" }, { transport: httpGatewayTransport({ url: gatewayUrl, token: TOKEN, timeoutMs: 1000 }) }));
        expect(e.code).toBe("sms.delivery_failed");
        const row = await t.db().smsMessage.findFirstOrThrow({ where: { to } });
        expect(row).toMatchObject({ status: "failed", attempts: 1 });
        expect(row.lastError).toMatch(/refusing to call a (loopback|metadata|private) address/);
      }
      expect(gateway.requests.length).toBe(before);
    } finally {
      process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
      reloadConfig();
    }
  });

  it("is what SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN select", async () => {
    process.env.SMS_GATEWAY_URL = url;
    process.env.SMS_GATEWAY_TOKEN = TOKEN;
    reloadConfig();
    try {
      const to = nextNumber();
      await sendSms({ to, text: "configured 555555", purpose: "sign-in-code" });
      expect(gateway.requests.at(-1)!.body.to).toBe(to);
    } finally {
      delete process.env.SMS_GATEWAY_URL;
      delete process.env.SMS_GATEWAY_TOKEN;
      reloadConfig();
    }
  });
});

describe("dev outbox and limits", () => {
  it("keeps the text for the dev outbox when no gateway is configured", async () => {
    const to = nextNumber();
    await sendSms({ to, text: "Your code is 666666", purpose: "enrolment-code" }, { transport: outboxSmsTransport });
    const [latest] = await listSmsOutbox({ to });
    expect(latest).toMatchObject({ to, text: "Your code is 666666", transport: "outbox", status: "sent" });
  });

  it("refuses a number that is not E.164, and more than SMS_PER_NUMBER_DAY texts to one number", async () => {
    expect((await smsError(sendSms({ to: "612345678", text: "x", purpose: "sign-in-code" }, { transport: outboxSmsTransport }))).code).toBe("sms.invalid_number");
    const to = nextNumber();
    for (let i = 0; i < 10; i++) await sendSms({ to, text: `code ${i}`, purpose: "sign-in-code" }, { transport: outboxSmsTransport });
    const e = await smsError(sendSms({ to, text: "one too many", purpose: "sign-in-code" }, { transport: outboxSmsTransport }));
    expect(e.code).toBe("sms.rate_limited");
    expect(e.details.retryAfterSeconds).toBeGreaterThan(0);
    // Another number is not affected.
    await sendSms({ to: nextNumber(), text: "fine", purpose: "sign-in-code" }, { transport: outboxSmsTransport });
  });

  it("purges records past their retention", async () => {
    const to = nextNumber();
    await sendSms({ to, text: "old", purpose: "sign-in-code" }, { transport: outboxSmsTransport });
    expect(await purgeOldSmsMessages(new Date())).toBe(0);
    expect(await purgeOldSmsMessages(new Date(Date.now() + 31 * 24 * 3600_000))).toBeGreaterThan(0);
    expect(await t.db().smsMessage.count({ where: { to } })).toBe(0);
  });
});

describe("configuration", () => {
  const base = { PORTICO_SECRET: "a".repeat(64) };
  it("needs a token with the gateway, and https except to localhost", () => {
    expect(() => parseConfig({ ...base, SMS_GATEWAY_URL: "https://sms.example.com/send" })).toThrow(/SMS_GATEWAY_TOKEN/);
    expect(() => parseConfig({ ...base, SMS_GATEWAY_URL: "http://sms.example.com/send", SMS_GATEWAY_TOKEN: TOKEN })).toThrow(/https/);
    // A gateway on this machine also needs loopback allowed for outbound requests (the SSRF guard).
    expect(() => parseConfig({ ...base, SMS_GATEWAY_URL: "http://127.0.0.1:9000", SMS_GATEWAY_TOKEN: TOKEN })).toThrow(/OUTBOUND_ALLOW_LOOPBACK=1/);
    expect(parseConfig({ ...base, SMS_GATEWAY_URL: "http://127.0.0.1:9000", SMS_GATEWAY_TOKEN: TOKEN, OUTBOUND_ALLOW_LOOPBACK: "1" }).SMS_GATEWAY_URL).toBe("http://127.0.0.1:9000");
    expect(() => parseConfig({ ...base, SMS_GATEWAY_URL: "https://sms.example.com/send", SMS_GATEWAY_TOKEN: "short" })).toThrow(/16 characters/);
  });
});
