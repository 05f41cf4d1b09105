import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { reloadConfig } from "@/lib/config";
import {
  deliverDueHttp,
  enqueueHttpDelivery,
  getDelivery,
  httpRetryDelaySeconds,
  retryPolicyFor,
  DEFAULT_RETRY_POLICY,
  isLocalHost,
} from "./index";
import { kickOutbox, startOutboxWorker, stopOutboxWorker } from "@/lib/outbox";

const t = useTestDatabase();

// --- a real HTTP server on a random localhost port -----------------------------------------------

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}
interface Receiver {
  url: string;
  received: Received[];
  /** The request headers of each received request. */
  headers: http.IncomingHttpHeaders[];
  /** Status for the n-th request (from 1); "hang" never answers. */
  reply: (n: number) => number | "hang";
  attempts: number;
  close: () => Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r: Partial<Receiver> = { received: [], headers: [], reply: () => 200, attempts: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = r.reply!((r.attempts = r.attempts! + 1));
      if (status === "hang") return;
      r.received!.push({ method: req.method!, path: req.url!, contentType: req.headers["content-type"], body: Buffer.concat(chunks).toString("utf8") });
      r.headers!.push(req.headers);
      if (status >= 300 && status < 400) res.setHeader("location", "http://127.0.0.1:1/elsewhere");
      res.writeHead(status).end(status >= 400 ? "nope" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  r.url = `http://127.0.0.1:${port}`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r as Receiver;
}

async function makeDue(id: string) {
  await t.db().httpDelivery.update({ where: { id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
}

let rx: Receiver;
beforeAll(async () => {
  // The receivers are local stand-ins: opt into loopback explicitly (off by default, the SSRF guard).
  process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
  reloadConfig();
  rx = await startReceiver();
});
afterAll(async () => {
  delete process.env.OUTBOUND_ALLOW_LOOPBACK;
  reloadConfig();
  await stopOutboxWorker();
  await rx?.close();
});
beforeEach(async () => {
  await t.db().httpDelivery.deleteMany();
  rx.received.length = 0;
  rx.headers.length = 0;
  rx.reply = () => 200;
  rx.attempts = 0;
  vi.restoreAllMocks();
});

const form = (body: string) => ({ kind: "test", url: `${rx.url}/hook`, contentType: "application/x-www-form-urlencoded", body });

describe(`outbound HTTP outbox on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("POSTs the body with its content type and marks the row delivered", async () => {
    const { id } = await enqueueHttpDelivery(form("a=1&b=two"));
    expect(await deliverDueHttp()).toEqual({ delivered: 1, failed: 0 });
    expect(rx.received).toEqual([{ method: "POST", path: "/hook", contentType: "application/x-www-form-urlencoded", body: "a=1&b=two" }]);
    const row = await getDelivery(id);
    expect(row).toMatchObject({ status: "delivered", attempts: 0, lastError: null, lockedUntil: null });
    expect(row?.deliveredAt).toBeInstanceOf(Date);
    expect(await deliverDueHttp()).toEqual({ delivered: 0, failed: 0 });
  });

  it("sends a delivery's own headers (a webhook signature) on every attempt, never in place of the content type", async () => {
    rx.reply = (n) => (n === 1 ? 503 : 200);
    const { id } = await enqueueHttpDelivery({ ...form("a=1"), headers: { "webhook-id": "evt_1", "webhook-signature": "v1,c2lnbmF0dXJl", "content-type": "text/evil" } });
    await deliverDueHttp();
    await makeDue(id);
    await deliverDueHttp();
    expect(rx.headers.map((h) => h["webhook-signature"])).toEqual(["v1,c2lnbmF0dXJl", "v1,c2lnbmF0dXJl"]);
    expect(rx.headers[1]!["webhook-id"]).toBe("evt_1");
    expect(rx.received.map((r) => r.contentType)).toEqual(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded"]);
    await expect(enqueueHttpDelivery({ ...form("x"), headers: { "bad header": "1" } })).rejects.toMatchObject({ code: "outbound.invalid_header" });
    await expect(enqueueHttpDelivery({ ...form("x"), headers: { "x-ok": "line\r\nX-Evil: 1" } })).rejects.toMatchObject({ code: "outbound.invalid_header" });
  });

  it("keeps a delivery the server failed (503), backs off exponentially, and delivers it on the next due pass", async () => {
    rx.reply = (n) => (n === 1 ? 503 : 204);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { id } = await enqueueHttpDelivery(form("logout_token=secret.token.value"));

    const before = Date.now();
    expect(await deliverDueHttp()).toEqual({ delivered: 0, failed: 1 });
    const row = (await getDelivery(id))!;
    expect(row).toMatchObject({ status: "pending", attempts: 1, lockedUntil: null });
    expect(row.lastError).toMatch(/HTTP 503/);
    // Default policy: 30 s after the first failure (allow a little clock difference with the database).
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 29_000);
    // Not due yet: a pass does nothing.
    expect(await deliverDueHttp()).toEqual({ delivered: 0, failed: 0 });
    // The log names the delivery, never its body.
    expect(String(warn.mock.calls[0]![0])).toContain(id);
    expect(String(warn.mock.calls[0]![0])).not.toContain("secret.token.value");

    await makeDue(id);
    expect(await deliverDueHttp()).toEqual({ delivered: 1, failed: 0 });
    expect(rx.received.map((r) => r.body)).toEqual(["logout_token=secret.token.value", "logout_token=secret.token.value"]);
    expect(await getDelivery(id)).toMatchObject({ status: "delivered", attempts: 1, lastError: null });
  });

  it("doubles the wait after each failure up to the cap, per kind", () => {
    expect([1, 2, 3, 4].map((n) => httpRetryDelaySeconds(n))).toEqual([30, 60, 120, 240]);
    expect(httpRetryDelaySeconds(20)).toBe(3600);
    const logout = retryPolicyFor("backchannel_logout");
    // Every retry of a logout token happens within its two-minute life.
    const waits = Array.from({ length: logout.maxAttempts - 1 }, (_, i) => httpRetryDelaySeconds(i + 1, logout));
    expect(waits).toEqual([2, 4, 8, 16, 32]);
    expect(retryPolicyFor("anything")).toBe(DEFAULT_RETRY_POLICY);
  });

  it("gives up after the policy's maximum number of attempts", async () => {
    rx.reply = () => 500;
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { id } = await enqueueHttpDelivery(form("x=1"));
    const max = DEFAULT_RETRY_POLICY.maxAttempts;
    for (let i = 1; i <= max; i++) {
      expect(await deliverDueHttp()).toEqual({ delivered: 0, failed: 1 });
      const row = (await getDelivery(id))!;
      expect(row.attempts).toBe(i);
      expect(row.status).toBe(i < max ? "pending" : "failed");
      await makeDue(id);
    }
    expect(await deliverDueHttp()).toEqual({ delivered: 0, failed: 0 });
    expect(rx.attempts).toBe(max);
  });

  it("gives up at once on a client error or a redirect, and retries 429", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    rx.reply = () => 400;
    const a = await enqueueHttpDelivery(form("a=1"));
    await deliverDueHttp();
    expect(await getDelivery(a.id)).toMatchObject({ status: "failed", attempts: 1 });

    rx.reply = () => 302;
    const b = await enqueueHttpDelivery(form("b=1"));
    await deliverDueHttp();
    expect(await getDelivery(b.id)).toMatchObject({ status: "failed", attempts: 1, lastError: "HTTP 302: redirects are not followed" });

    rx.reply = () => 429;
    const c = await enqueueHttpDelivery(form("c=1"));
    await deliverDueHttp();
    expect(await getDelivery(c.id)).toMatchObject({ status: "pending", attempts: 1 });
  });

  it("records a timeout and an unreachable server as failed attempts instead of throwing", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    rx.reply = () => "hang";
    const slow = await enqueueHttpDelivery(form("slow=1"));
    expect(await deliverDueHttp({ timeoutMs: 300 })).toEqual({ delivered: 0, failed: 1 });
    expect((await getDelivery(slow.id))!.lastError).toMatch(/timed out after 300 ms/);

    const closed = await startReceiver();
    await closed.close();
    const gone = await enqueueHttpDelivery({ ...form("gone=1"), url: `${closed.url}/x` });
    expect(await deliverDueHttp()).toEqual({ delivered: 0, failed: 1 });
    const row = (await getDelivery(gone.id))!;
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.lastError).toMatch(/request failed/);
  });

  it("never sends a delivery twice when several passes run concurrently", async () => {
    const n = 20;
    for (let i = 0; i < n; i++) await enqueueHttpDelivery(form(`n=${i}`));
    const worker = async () => {
      let total = 0;
      for (;;) {
        const r = await deliverDueHttp({ limit: 3 });
        if (r.delivered + r.failed === 0) return total;
        total += r.delivered;
      }
    };
    const totals = await Promise.all([worker(), worker(), worker()]);
    expect(totals.reduce((x, y) => x + y, 0)).toBe(n);
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(n);
    expect(rx.received).toHaveLength(n);
  });

  it("writes the row inside the caller's transaction", async () => {
    await expect(
      t.db().$transaction(async (tx) => {
        await enqueueHttpDelivery(form("rolled=1"), tx);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await t.db().httpDelivery.count()).toBe(0);
  });

  it("the worker delivers as soon as it is kicked, and is idempotent to start", async () => {
    startOutboxWorker({ intervalMs: 60_000 });
    startOutboxWorker({ intervalMs: 60_000 });
    await enqueueHttpDelivery(form("kicked=1"));
    kickOutbox();
    await vi.waitFor(() => expect(rx.received.map((r) => r.body)).toContain("kicked=1"), { timeout: 5000 });
    await stopOutboxWorker();
  });

  it("refuses an internal receiver (SSRF): loopback unless OUTBOUND_ALLOW_LOOPBACK, metadata and private always", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    delete process.env.OUTBOUND_ALLOW_LOOPBACK;
    reloadConfig();
    try {
      const local = await enqueueHttpDelivery(form("token=1"));
      const metadata = await enqueueHttpDelivery({ ...form("token=2"), url: "http://169.254.169.254/latest/meta-data/" });
      const privateNet = await enqueueHttpDelivery({ ...form("token=3"), url: "http://10.0.0.8/hook" });
      expect(await deliverDueHttp()).toEqual({ delivered: 0, failed: 3 });
      expect(rx.received).toEqual([]);
      for (const { id } of [local, metadata, privateNet]) {
        // Permanent: the same address will be refused next time too.
        expect(await getDelivery(id)).toMatchObject({ status: "failed", attempts: 1, lastError: expect.stringMatching(/refusing to call a (loopback|metadata|private) address/) });
      }
    } finally {
      process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
      reloadConfig();
    }
  });

  it("rejects bad input with stable codes before anything is stored", async () => {
    await expect(enqueueHttpDelivery({ ...form("x"), url: "ftp://example.com/" })).rejects.toMatchObject({ code: "outbound.invalid_url" });
    await expect(enqueueHttpDelivery({ ...form("x"), url: "https://u:p@example.com/" })).rejects.toMatchObject({ code: "outbound.invalid_url" });
    await expect(enqueueHttpDelivery({ ...form("x"), contentType: "text/plain\r\nX-Evil: 1" })).rejects.toMatchObject({ code: "outbound.invalid_content_type" });
    await expect(enqueueHttpDelivery({ ...form("x"), kind: "Bad Kind" })).rejects.toMatchObject({ code: "outbound.invalid_kind" });
    expect(await t.db().httpDelivery.count()).toBe(0);
  });
});

describe("isLocalHost", () => {
  it("is localhost and loopback or private literals, never a public name or address", () => {
    for (const host of ["localhost", "api.localhost", "127.0.0.1", "[::1]", "10.1.2.3", "192.168.0.9", "172.20.0.1", "[fd00::1]"]) expect(isLocalHost(host), host).toBe(true);
    for (const host of ["example.com", "localhost.example.com", "8.8.8.8", "[2001:db8::1]", "169.254.169.254", "172.32.0.1"]) expect(isLocalHost(host), host).toBe(false);
  });
});
