// The console's audit log in a browser: an administrator acts, finds the events in the viewer (a
// plain GET form), opens one, and exports the test's time range as JSON Lines and CSV with the
// session; the export holds those events and none from before the range. Another person's
// browser (no console) is refused the export by the server.
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { STRONG_PASSWORD, register, signIn, signInAsAdmin, uniqueEmail } from "./helpers";

test.describe.configure({ mode: "serial" });

/** "2026-12-14T09:30:15": the UTC second, as the filter takes it. */
const utcSecond = (d: Date) => d.toISOString().slice(0, 19);

test("an administrator's actions appear in the viewer and in a range export (JSON Lines and CSV), and nothing from before the range", async ({ page, browser }) => {
  // The range starts at the next whole second, after everything the server did at start.
  const start = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
  await page.waitForTimeout(start.getTime() - Date.now() + 50);
  const from = utcSecond(start);

  await signInAsAdmin(page);
  await page.goto("/admin/audit/settings");
  // The run's first console visit may follow the authenticator app's enrolment: sign in with it then.
  if (/\/login/.test(page.url())) await signInAsAdmin(page, { from: "here" });
  await expect(page).toHaveURL(/\/admin\/audit\/settings$/);
  await page.getByLabel("For a number of days").check();
  // (Below 30 days the browser's own check stops the form; the server's is in lib/audit-admin/retention.test.ts.)
  await expect(page.getByRole("spinbutton", { name: "Days" })).toHaveAttribute("min", "30");
  await page.getByRole("spinbutton", { name: "Days" }).fill("400");
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByText(/older than 400 days are deleted from now on/)).toBeVisible();
  await page.goto("/admin/audit/settings");
  await expect(page.getByTestId("audit-retention-now")).toContainText("older than 400 days");

  // The viewer: the filter form is a GET form; the event is there, and opens in full.
  await page.goto("/admin/audit");
  await page.getByLabel("Action").fill("audit.");
  await page.getByLabel("From (UTC)").fill(from);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=audit\./);
  const row = page.getByTestId("audit-events").getByRole("row").filter({ hasText: "audit.retention_changed" });
  await expect(row).toHaveCount(1);
  await row.getByRole("link", { name: /in full/ }).click();
  await expect(page.getByTestId("audit-event-details")).toContainText('"afterDays": 400');

  const to = utcSecond(new Date(Date.now() + 60_000));
  const range = `from=${from}&to=${to}`;
  const jsonl = await page.request.get(`/admin/audit/export?format=jsonl&${range}`);
  expect(jsonl.status()).toBe(200);
  expect(jsonl.headers()["content-type"]).toBe("application/jsonl; charset=utf-8");
  expect(jsonl.headers()["content-disposition"]).toMatch(/^attachment; filename="portico-audit_\d{8}T\d{4}Z_\d{8}T\d{4}Z\.jsonl"$/);
  const events = (await jsonl.text()).trim().split("\n").map((l) => JSON.parse(l) as { id: string; createdAt: string; action: string; details: { afterDays?: number } | null });
  const actions = events.map((e) => e.action);
  expect(actions).toContain("login.succeeded");
  expect(events.find((e) => e.action === "audit.retention_changed")?.details).toMatchObject({ beforeDays: null, afterDays: 400 });
  expect(events.every((e) => e.createdAt >= start.toISOString())).toBe(true);
  expect(events.map((e) => BigInt(e.id))).toEqual([...events.map((e) => BigInt(e.id))].sort((a, b) => (a < b ? -1 : 1)));

  // Without the start, the export also holds what came before the range (the server's own start).
  const all = (await (await page.request.get(`/admin/audit/export?format=jsonl&to=${to}`)).text()).trim().split("\n").map((l) => JSON.parse(l) as { createdAt: string });
  expect(all.some((e) => e.createdAt < start.toISOString())).toBe(true);

  const csv = await page.request.get(`/admin/audit/export?format=csv&${range}`);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8; header=present");
  const records = (await csv.text()).split("\r\n");
  expect(records[0]).toBe("id,createdAt,actorType,actorId,action,targetType,targetId,result,ip,userAgent,details");
  expect(records.filter((r) => r.includes(",audit.retention_changed,"))).toHaveLength(1);
  // The first JSON Lines export is in the CSV one too (the range is the same; the exports are audited after it).
  expect(records.slice(1, -1).map((r) => r.split(",")[0])).toEqual(expect.arrayContaining(events.map((e) => e.id)));

  // Each export was itself audited, with its filter.
  await page.goto(`/admin/audit?action=audit.exported&from=${from}`);
  await expect(page.getByTestId("audit-events").getByRole("row").filter({ hasText: "audit.exported" })).toHaveCount(3);

  // Signed out: 401; a customer's session: 403; problem details both.
  const customer = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
  const signedOut = await customer.request.get(`/admin/audit/export?format=csv&${range}`);
  expect(signedOut.status()).toBe(401);
  expect(signedOut.headers()["content-type"]).toBe("application/problem+json");
  const email = uniqueEmail("audit-customer");
  await register(customer, email);
  await signIn(customer, email, STRONG_PASSWORD);
  await expect(customer).toHaveURL(/\/account$/);
  const refused = await customer.request.get(`/admin/audit/export?format=csv&${range}`);
  expect(refused.status()).toBe(403);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
  expect((await refused.json()).status).toBe(403);
});
