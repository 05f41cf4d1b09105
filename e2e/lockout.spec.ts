// Repeated failures: progressive delay, then a temporary lock with an unlock link by mail.
import { expect, test } from "@playwright/test";
import { E2E_LOCK_AFTER } from "./env";
import { STRONG_PASSWORD, readMailLink, register, signIn, uniqueEmail } from "./helpers";

test("repeated failures lock the account until the mailed unlock link is used", async ({ page }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("lock");
  await register(page, email);

  for (let i = 1; i <= E2E_LOCK_AFTER; i++) {
    await expect(async () => {
      await signIn(page, email, `wrong password number ${i}`);
      // Past the delay threshold the answer may be "wait N seconds": retry until the failure counts.
      await expect(page.getByRole("alert").filter({ hasText: "The email or password is incorrect." })).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 30_000, intervals: [500, 1000, 2000] });
  }

  // Locked: even the right password is refused, with a message that does not reveal the account exists.
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: /Sign-in is locked/ })).toBeVisible();

  const unlockLink = await readMailLink(page, email, /temporarily locked/);
  await page.goto(unlockLink);
  await page.getByRole("button", { name: "Unlock my account" }).click();
  await expect(page.getByText(/Your account is unlocked/)).toBeVisible();

  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
});

test("an unknown email gets the same answers as a known one", async ({ page }) => {
  const email = uniqueEmail("nobody");
  await signIn(page, email, "whatever it may be 123");
  await expect(page.getByRole("alert").filter({ hasText: "The email or password is incorrect." })).toBeVisible();
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText(`If an account exists for ${email}`)).toBeVisible();
});
