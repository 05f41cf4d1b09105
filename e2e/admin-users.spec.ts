// The console creates a customer by invitation: the invited person sets a password from the mail
// (which verifies the address) and signs in with it; the link works once.
import { expect, test } from "@playwright/test";
import { STRONG_PASSWORD, readMailLink, signIn, signInAsAdmin, uniqueEmail } from "./helpers";

test("a super administrator invites a user, who sets a password from the mail and signs in", async ({ page, browser }) => {
  const invited = uniqueEmail("invited");
  await signInAsAdmin(page);
  await page.goto("/admin/users/new");
  await page.getByLabel("Email address").fill(invited);
  await page.getByLabel("Full name (optional)").fill("Grace Hopper");
  await page.getByLabel(/Send an invitation/).check();
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText("an invitation was emailed")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Grace Hopper" })).toBeVisible();
  await expect(page.getByText("not verified")).toBeVisible();

  const link = await readMailLink(page, invited, /You are invited/);
  expect(new URL(link).pathname).toBe("/accept-invitation");
  const guest = await (await browser.newContext()).newPage();
  await guest.goto(link);
  await expect(guest.getByText(`For your account ${invited}.`)).toBeVisible();
  await guest.getByLabel("New password").fill(STRONG_PASSWORD);
  await guest.getByRole("button", { name: "Set new password" }).click();
  await expect(guest.getByText(`Your password is set and ${invited} is verified`)).toBeVisible();

  await signIn(guest, invited, STRONG_PASSWORD);
  await expect(guest).toHaveURL(/\/account$/);

  // Single use.
  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await expect(again.getByText("This invitation link is invalid, was already used or has expired")).toBeVisible();
});
