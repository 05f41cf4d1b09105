// Deleting the account in a real browser: closed at once (this session ends, the password no
// longer signs in), and the mailed link keeps it. The erasure after the grace period is proven
// against the database with a moved clock (lib/sign-in/account-deletion.test.ts), not by waiting.
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { STRONG_PASSWORD, readMailLink, register, signIn, uniqueEmail } from "./helpers";

test("delete the account: the address must be typed, the session ends, sign-in is refused, and the mailed link restores it", async ({ page, browser }) => {
  const email = uniqueEmail("delete");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);

  await page.getByRole("link", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/account\/delete$/);
  await page.getByLabel(/to confirm/).fill("someone-else@example.com");
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.locator("#field-confirmEmail-error")).toContainText("Type the email address of this account");
  await page.getByLabel(/to confirm/).fill(email);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText(/Your account is closed and will be erased on/)).toBeVisible();

  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/);
  // The refused sign-in from a public address of its own (the server trusts X-Forwarded-For in the
  // e2e run), so loopback's count of failing accounts, which the risk engine reads, stays as it was.
  const elsewhere = await browser.newContext({ baseURL: E2E_BASE_URL, extraHTTPHeaders: { "x-forwarded-for": "90.0.0.1" } });
  const elsewherePage = await elsewhere.newPage();
  await signIn(elsewherePage, email, STRONG_PASSWORD);
  await expect(elsewherePage.getByText("The email or password is incorrect.")).toBeVisible();
  await elsewhere.close();

  // The mail's link: a button (mail scanners open links), then the account is open again.
  await page.goto(await readMailLink(page, email, /Your Portico account will be deleted/));
  await page.getByRole("button", { name: "Keep my account" }).click();
  await expect(page.getByText("Your account will not be deleted, and it is open again.")).toBeVisible();
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
});
