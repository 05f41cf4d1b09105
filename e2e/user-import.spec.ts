// A user migrated from another system, in a real browser: the super administrator imports a CSV
// file whose row carries a bcrypt hash, the page follows the job (it refreshes itself while the
// job runs), the imported user signs in on /login with the password they had, and a user export
// afterwards names the account's password algorithm: argon2id, replaced at that first sign-in.
// Row checks, resume, permissions and every hash format are tested in lib/user-import and lib/credentials.
import fs from "node:fs/promises";
import bcrypt from "bcryptjs";
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { signIn, signInAsAdmin, uniqueEmail } from "./helpers";

const PASSWORD = "migrated lantern harbour 1984";

test("import a bcrypt user, who signs in with their old password and is moved to argon2id", async ({ page, browser }) => {
  const email = uniqueEmail("imported");
  const csv = `email,email_verified,given_name,password_hash\n${email},true,Imogen,${await bcrypt.hash(PASSWORD, 10)}\nnot-an-email,true,Nobody,\n`;

  await signInAsAdmin(page);
  await page.goto("/admin/users/import");
  await expect(page.getByRole("heading", { name: "Import users" })).toBeVisible();
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "migration.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Start the import" }).click();
  await expect(page).toHaveURL(/\/admin\/users\/import\?started=/);
  const id = new URL(page.url()).searchParams.get("started")!;
  await expect(page.getByText("The import of migration.csv (2 rows) is queued.")).toBeVisible();
  // The outbox runs it (the e2e server polls every 2 s); the page reloads itself until it is done.
  await expect(page.getByTestId(`created-${id}`)).toHaveText("1", { timeout: 60_000 });
  await expect(page.getByTestId(`rejected-${id}`)).toHaveText("1");
  await expect(page.getByTestId(`progress-${id}`)).toHaveText("2 of 2 rows");
  const report = await page.request.get(`/admin/users/import/report?id=${id}`);
  expect(report.status()).toBe(200);
  expect(await report.text()).toBe(`row,email,reason\r\n3,not-an-email,"email: Enter a valid email address, like name@example.com."\r\n`);

  // The imported user, in their own browser, with the password of the old system.
  const user = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
  await signIn(user, email, PASSWORD);
  if (new URL(user.url()).pathname === "/login/terms") await user.getByRole("button", { name: "Accept and continue" }).click();
  await expect(user).toHaveURL(/\/account$/);
  await user.context().close();

  // An export names the stored hash's algorithm (never the hash): argon2id since that sign-in.
  await page.goto("/admin/users/export");
  await page.getByLabel("Format").selectOption("jsonl");
  await page.getByRole("button", { name: "Start the export" }).click();
  await expect(page.getByText("The export is queued.")).toBeVisible();
  const link = page.getByRole("link", { name: "Download (JSON Lines)" }).first();
  await expect(async () => {
    await page.reload();
    await expect(link).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const lines = (await fs.readFile((await download.path())!, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.find((l) => l.email === email)).toMatchObject({ given_name: "Imogen", email_verified: true, password: "argon2id" });
  expect(lines.map((l) => JSON.stringify(l)).join("\n")).not.toMatch(/\$argon2|\$2[aby]\$/);
});
