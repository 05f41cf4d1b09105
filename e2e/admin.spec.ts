// The bootstrap administrator reaches /admin; a customer gets 403.
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./env";
import { STRONG_PASSWORD, register, signIn, uniqueEmail } from "./helpers";

test("the bootstrap administrator reaches /admin and can search users", async ({ page }) => {
  const customer = uniqueEmail("listed");
  await register(page, customer);
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await page.getByLabel("Search users by email or name").fill(customer.split("@")[0]!);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("cell", { name: customer })).toBeVisible();
  await expect(page.getByRole("cell", { name: E2E_ADMIN.email })).toHaveCount(0);
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

test("/admin without a session goes to sign-in and comes back", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin/);
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/admin$/);
});
