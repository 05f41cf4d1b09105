// The first customer journey Portico supported: register -> verify by mail -> sign in -> sign out ->
// sign in -> reset password -> the old password is refused, the new one works.
import { expect, test } from "@playwright/test";
import { NEW_PASSWORD, STRONG_PASSWORD, readMail, readMailLink, register, signIn, signOut, uniqueEmail } from "./helpers";

test("register, verify, sign in and out, reset the password", async ({ page }) => {
  const email = uniqueEmail("journey");
  await register(page, email);

  // Unverified accounts can sign in and see a banner.
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await expect(page.getByTestId("unverified-banner")).toBeVisible();

  const verifyLink = await readMailLink(page, email, /Verify your email/);
  await page.goto(verifyLink);
  await page.getByRole("button", { name: "Verify my email" }).click();
  await expect(page.getByText(`${email} is verified`)).toBeVisible();

  // A verification link works once.
  await page.goto(verifyLink);
  await page.getByRole("button", { name: "Verify my email" }).click();
  await expect(page.getByText(/invalid or has expired/)).toBeVisible();

  await page.goto("/account");
  await expect(page.getByTestId("unverified-banner")).toHaveCount(0);
  await signOut(page);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount/);

  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await signOut(page);

  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText(`If an account exists for ${email}`)).toBeVisible();
  const resetLink = await readMailLink(page, email, /Reset your Portico password/);
  await page.goto(resetLink);
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText(/Your password was changed/)).toBeVisible();

  await signIn(page, email, STRONG_PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: "The email or password is incorrect." })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
});

test("a password reset signs out every other session", async ({ browser }) => {
  const email = uniqueEmail("sessions");
  const first = await browser.newPage();
  await register(first, email);
  await signIn(first, email, STRONG_PASSWORD);
  await expect(first).toHaveURL(/\/account$/);

  const second = await browser.newPage(); // another browser context: another device
  await second.goto("/forgot-password");
  await second.getByLabel("Email").fill(email);
  await second.getByRole("button", { name: "Send reset link" }).click();
  const resetLink = await readMailLink(second, email, /Reset your Portico password/);
  await second.goto(resetLink);
  await second.getByLabel("New password").fill(NEW_PASSWORD);
  await second.getByRole("button", { name: "Set new password" }).click();
  await expect(second.getByText(/Your password was changed/)).toBeVisible();

  await first.goto("/account");
  await expect(first).toHaveURL(/\/login/);
});

test("changing the email waits for the new mailbox, and the old one can switch it back", async ({ page }) => {
  const oldEmail = uniqueEmail("before");
  const newEmail = uniqueEmail("after");
  await register(page, oldEmail);
  await signIn(page, oldEmail, STRONG_PASSWORD);
  await page.goto(await readMailLink(page, oldEmail, /Verify your email/));
  await page.getByRole("button", { name: "Verify my email" }).click();
  await expect(page.getByText(`${oldEmail} is verified`)).toBeVisible();

  await page.goto("/account");
  await page.getByLabel("New email").fill(newEmail);
  await page.getByLabel("Current password").fill(STRONG_PASSWORD);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText(/we sent a link there/)).toBeVisible();

  // Nothing changes until the new mailbox confirms; the page says what is pending.
  await page.goto("/account");
  await expect(page.getByTestId("account-email")).toHaveText(oldEmail);
  await expect(page.getByTestId("pending-email")).toHaveText(newEmail);
  expect(await readMail(page, oldEmail, /Someone asked to change your Portico email/)).toContain("Cancel the change");

  // The link only shows a button: opening it (as a mail scanner would) changes nothing.
  const confirmLink = await readMailLink(page, newEmail, /Confirm your new email/);
  await page.goto(confirmLink);
  await page.goto("/account");
  await expect(page.getByTestId("account-email")).toHaveText(oldEmail);
  await page.goto(confirmLink);
  await page.getByRole("button", { name: "Use this email address" }).click();
  await expect(page.getByText(`${newEmail} is now your sign-in email`)).toBeVisible();
  await page.goto("/account");
  await expect(page.getByTestId("account-email")).toHaveText(newEmail);
  await expect(page.getByTestId("unverified-banner")).toHaveCount(0);
  await expect(page.getByTestId("pending-email-change")).toHaveCount(0);

  // The old address was not the one who asked: it switches the account back and signs everyone out.
  await page.goto(await readMailLink(page, oldEmail, /email address was changed/));
  await page.getByRole("button", { name: "Keep my email address" }).click();
  await expect(page.getByText(`Your account is back on ${oldEmail}`)).toBeVisible();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/);
  await readMailLink(page, oldEmail, /Reset your Portico password/);
});
