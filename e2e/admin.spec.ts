// The console: the bootstrap administrator reaches /admin only with a strong second factor
// (authenticator app) in a two-factor session; a customer gets 403. The dev outbox (/dev/mail)
// is the administrator's too: an anonymous browser and a signed-in customer cannot read it.
import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_BASE_URL } from "./env";
import { STRONG_PASSWORD, adminPage, completeAdminSecondStep, enrolAdminTotp, readMailLink, register, signIn, signInAsAdmin, signOut, uniqueEmail } from "./helpers";

test.describe.configure({ mode: "serial" });

test("the bootstrap administrator reaches the user list and finds a customer by the beginning of their address", async ({ page }) => {
  const customer = uniqueEmail("listed");
  await register(page, customer);
  await signInAsAdmin(page);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  // With an "@" the search is the beginning of an address.
  await page.getByLabel("Search", { exact: true }).fill(`${customer.split("@")[0]!}@`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/admin\/users\?/);
  await expect(page.getByRole("cell", { name: customer })).toBeVisible();
  await expect(page.getByRole("cell", { name: E2E_ADMIN.email })).toHaveCount(0);
  await expect(page.getByRole("link", { name: customer })).toHaveAttribute("href", /^\/admin\/users\/[0-9a-f-]{36}$/);
});

test("a customer gets 403 at /admin", async ({ page }) => {
  const email = uniqueEmail("customer");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByText("You do not have access to this page")).toBeVisible();
});

test("/admin without a session goes to sign-in (password and authenticator app) and comes back", async ({ page }) => {
  await signInAsAdmin(page); // makes sure the administrator has an authenticator app
  await signOut(page);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin/);
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // The password alone opens nothing: the second step comes first.
  await expect(page).toHaveURL(/\/login\/verify/);
  await completeAdminSecondStep(page);
  await expect(page).toHaveURL(/\/admin\/users$/);
});

test("an administrator with a password only cannot reach /admin: sent to set up an authenticator app or a passkey", async ({ page }) => {
  await signInAsAdmin(page);
  // Remove the administrator's authenticator app (a recent sign-in allows it on the security page).
  await page.goto("/account/security");
  await page.getByRole("region", { name: "Two-step verification" }).getByRole("button", { name: /^Remove / }).click();
  await expect(page.getByTestId("two-step-status")).toContainText("Off");
  try {
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/account\/security\?mfa=admin/);
    await expect(page.getByText("The admin console needs two-step verification with an authenticator app or a passkey")).toBeVisible();
    // A fresh password-only sign-in fares no better, and neither do the console's other pages or the outbox.
    await signOut(page);
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await expect(page).toHaveURL(/\/account$/);
    for (const path of ["/admin", "/admin/applications", "/admin/keys", "/admin/risk", "/dev/mail"]) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/account\/security\?mfa=admin/);
    }
  } finally {
    // Back to the state the other journeys expect (a new seed, kept by the helpers).
    await enrolAdminTotp(page);
  }
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
});

test("the dev outbox: an anonymous browser and a signed-in customer cannot read it, an administrator can", async ({ page, browser }) => {
  test.setTimeout(240_000); // two administrator sign-ins, each with a fresh authenticator-app code
  const email = uniqueEmail("outbox");
  await register(page, email);
  // The administrator reads the verification link (e2e/helpers.ts readMail uses an administrator's context).
  const link = await readMailLink(page, email, /Verify your email/);
  const messagePath = await (async () => {
    const admin = await adminPage(browser);
    await admin.goto(`/dev/mail?to=${encodeURIComponent(email)}`);
    await expect(admin.getByTestId("outbox-warning")).toContainText("This outbox holds live secrets");
    const href = await admin.getByRole("link", { name: /Verify your email/ }).first().getAttribute("href");
    await admin.context().close();
    return href!;
  })();
  expect(messagePath).toMatch(/^\/dev\/mail\/[0-9a-f-]+$/);

  // Anonymous: sent to sign in, shown nothing.
  const anonymous = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
  for (const path of [`/dev/mail?to=${encodeURIComponent(email)}`, messagePath]) {
    await anonymous.goto(path);
    await expect(anonymous, path).toHaveURL(/\/login\?next=/);
    await expect(anonymous.getByText(link)).toHaveCount(0);
    await expect(anonymous.getByTestId("outbox-item")).toHaveCount(0);
  }

  // A signed-in customer: 403.
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  for (const path of [`/dev/mail?to=${encodeURIComponent(email)}`, messagePath]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByTestId("mail-text")).toHaveCount(0);
    await expect(page.getByTestId("outbox-item")).toHaveCount(0);
  }
});
