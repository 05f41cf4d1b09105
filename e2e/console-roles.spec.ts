// Delegated administration in a browser: a super administrator gives a help desk role; the help
// desk administrator (asked for a strong second factor first) finds a locked-out customer by email
// among many, unlocks them and sends a reset link; the console offers them no deletion, and the
// server refuses the applications page.
import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { generate } from "otplib";
import { E2E_LOCK_AFTER } from "./env";
import { STRONG_PASSWORD, adminPage, readMailLink, signIn, uniqueEmail } from "./helpers";

async function createCustomer(admin: Page, email: string, name: string) {
  await admin.goto("/admin/users/new");
  await admin.getByLabel("Email address").fill(email);
  await admin.getByLabel("Full name (optional)").fill(name);
  await admin.getByLabel(/Set a password now/).check();
  await admin.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
  await admin.getByLabel(/The address is already verified/).check();
  await admin.getByRole("button", { name: "Create user" }).click();
  await expect(admin.getByText("The user was created with the password you gave.")).toBeVisible();
}

/** Sets up an authenticator app on the security page; returns its secret. */
async function enrolAuthenticator(page: Page): Promise<string> {
  await page.getByRole("button", { name: /Set up an authenticator app/ }).click();
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
  await page.getByLabel("Code from the app").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Two-step verification is on")).toBeVisible();
  return secret;
}

test("a help desk administrator unlocks a customer found by email and sends a reset link; deletion and applications are not theirs", async ({ browser }) => {
  test.setTimeout(240_000);
  const admin = await adminPage(browser);
  const tag = crypto.randomBytes(3).toString("hex");
  // Many customers whose addresses start alike: the search must single out the one typed.
  const customers = Array.from({ length: 5 }, (_, i) => `desk${tag}-${i}@example.test`);
  for (const [i, email] of customers.entries()) await createCustomer(admin, email, `Desk Customer ${i}`);
  const target = customers[3]!;
  const staff = uniqueEmail("helpdesk");
  await createCustomer(admin, staff, "Hal Desk");

  // The super administrator gives the role.
  await admin.goto("/admin/administrators");
  const give = admin.getByRole("form", { name: "Give a role" });
  await give.getByLabel("Email address").fill(staff);
  await give.getByLabel("Role").selectOption("help_desk");
  await give.getByRole("button", { name: "Give role" }).click();
  await expect(give.getByText("The role was given. They were told by email.")).toBeVisible();
  await expect(admin.getByRole("row").filter({ hasText: staff })).toContainText("Help desk");

  // The customer locks themselves out.
  const customer = await (await browser.newContext()).newPage();
  for (let i = 1; i <= E2E_LOCK_AFTER; i++) {
    await expect(async () => {
      await signIn(customer, target, `wrong password number ${i}`);
      await expect(customer.getByRole("alert").filter({ hasText: "The email or password is incorrect." })).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 30_000, intervals: [500, 1000, 2000] });
  }
  await signIn(customer, target, STRONG_PASSWORD);
  await expect(customer.getByRole("alert").filter({ hasText: /Sign-in is locked/ })).toBeVisible();

  // The help desk administrator signs in; the console first asks for a strong second factor.
  const desk = await (await browser.newContext()).newPage();
  await signIn(desk, staff, STRONG_PASSWORD);
  await expect(desk).not.toHaveURL(/\/login/);
  await desk.goto("/admin");
  await expect(desk).toHaveURL(/\/account\/security\?mfa=admin/);
  await enrolAuthenticator(desk);

  // Their console: the user list, and no applications in the navigation.
  await desk.goto("/admin");
  await expect(desk).toHaveURL(/\/admin\/users$/);
  const nav = desk.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Users", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Applications" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Administrators" })).toHaveCount(0);

  // Found by email among the others.
  await desk.getByLabel("Email begins with").fill(`desk${tag}-`);
  await desk.getByRole("button", { name: "Search" }).click();
  await expect(desk.getByRole("link", { name: /^desk.*@example\.test$/ })).toHaveCount(customers.length);
  await desk.getByLabel("Email begins with").fill("");
  await desk.getByLabel("Search", { exact: true }).fill(target);
  await desk.getByRole("button", { name: "Search" }).click();
  await expect(desk.getByRole("link", { name: /^desk.*@example\.test$/ })).toHaveCount(1);
  await desk.getByRole("link", { name: target }).click();
  await expect(desk).toHaveURL(/\/admin\/users\/[0-9a-f-]{36}$/);

  await desk.getByRole("button", { name: "Unlock" }).click();
  await expect(desk.getByText("The account is unlocked.")).toBeVisible();
  await desk.getByRole("button", { name: "Send a password reset link" }).click();
  await expect(desk.getByText("A password reset link was emailed to the customer.")).toBeVisible();

  // No deletion, no disabling, no editing offered to the help desk.
  for (const name of [/Delete now/, /Delete with grace period/, /Disable account/]) await expect(desk.getByText(name)).toHaveCount(0);

  // The server refuses what the role does not hold, whatever the navigation shows.
  expect((await desk.goto("/admin/applications"))?.status()).toBe(403);
  expect((await desk.goto("/admin/administrators"))?.status()).toBe(403);

  // The customer got the reset link, and the unlocked account signs in again.
  expect(await readMailLink(customer, target, /Reset your Portico password/)).toMatch(/\/reset-password\?token=/);
  await signIn(customer, target, STRONG_PASSWORD);
  await expect(customer).toHaveURL(/\/account$/);
});
