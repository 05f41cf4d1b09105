// Webhooks from the outside: an administrator subscribes a receiver in the console (the secret is
// shown once), a change in the console becomes a signed identity event at the receiver, which
// verifies the Standard Webhooks signature with that secret on its own; the delivery log shows it.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { STRONG_PASSWORD, adminPage, uniqueEmail } from "./helpers";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on a loopback port (the e2e server allows loopback outbound requests). */
async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/portico-events`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Standard Webhooks verification, written here independently of Portico's code. */
function verified(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const id = String(r.headers["webhook-id"]);
  const timestamp = String(r.headers["webhook-timestamp"]);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = crypto.createHmac("sha256", key).update(`${id}.${timestamp}.${r.body}`).digest();
  const signatures = String(r.headers["webhook-signature"])
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .map((s) => Buffer.from(s.slice(3), "base64"));
  return signatures.some((s) => s.length === expected.length && crypto.timingSafeEqual(s, expected));
}

test("a console subscription receives a signed user.created event, and the delivery log shows it", async ({ browser }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    const admin = await adminPage(browser);
    await admin.goto("/admin/webhooks");
    await expect(admin.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await admin.getByLabel("URL").fill(receiver.url);
    await admin.getByLabel("Description").fill("CRM sync");
    await admin.getByLabel("user.created", { exact: true }).check();
    await admin.getByRole("button", { name: "Create subscription" }).click();
    const secret = await admin.getByTestId("webhook-secret").inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    // A change that is an identity event: an account created in the console.
    const email = uniqueEmail("hooked");
    await admin.goto("/admin/users/new");
    await admin.getByLabel("Email address").fill(email);
    await admin.getByLabel(/Set a password now/).check();
    await admin.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
    await admin.getByRole("button", { name: "Create user" }).click();
    await expect(admin.getByText("The user was created with the password you gave.")).toBeVisible();

    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBeGreaterThan(0);
    const delivery = receiver.received[0]!;
    expect(delivery.headers["content-type"]).toMatch(/^application\/json/);
    expect(verified(secret, delivery)).toBe(true);
    expect(verified(`whsec_${crypto.randomBytes(32).toString("base64")}`, delivery)).toBe(false);
    const event = JSON.parse(delivery.body) as { id: string; type: string; version: number; timestamp: string; userId: string; data: Record<string, unknown> };
    expect(event).toMatchObject({ type: "user.created", version: 1, data: { source: "admin" } });
    expect(event.id).toBe(delivery.headers["webhook-id"]);
    expect(event.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.body).not.toContain(email);

    // The delivery log: delivered, with the receiver's status.
    await admin.goto("/admin/webhooks");
    await admin.getByRole("link", { name: receiver.url }).click();
    const row = admin.getByRole("row").filter({ hasText: event.id });
    await expect(row).toContainText("delivered");
    await expect(row).toContainText("200");
  } finally {
    await receiver.close();
  }
});

test("the provisioning targets page opens for the super administrator", async ({ browser }) => {
  const admin = await adminPage(browser);
  await admin.goto("/admin/provisioning/targets");
  await expect(admin.getByRole("heading", { name: "Provisioning targets", level: 1 })).toBeVisible();
});
