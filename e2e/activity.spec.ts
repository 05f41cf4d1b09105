// The customer's activity page in a real browser: a failed attempt and a sign-in in words with the
// device, and "this wasn't me" on a sign-in locks the account and ends the session it came from.
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { STRONG_PASSWORD, register, signIn, uniqueEmail } from "./helpers";

// A public address in Madrid for the stranger's attempt (the server trusts X-Forwarded-For in the
// e2e run): the entry shows another place, and loopback's failure count stays for the other specs.
const MADRID_IP = "81.45.3.1";

test("the activity page shows a failed attempt from another place and the sign-in; reporting the sign-in locks the account and signs out", async ({ page, browser }) => {
  const email = uniqueEmail("activity");
  await register(page, email);
  const stranger = await browser.newContext({ baseURL: E2E_BASE_URL, extraHTTPHeaders: { "x-forwarded-for": MADRID_IP } });
  const strangerPage = await stranger.newPage();
  await signIn(strangerPage, email, "not the password at all");
  await expect(strangerPage.getByText("The email or password is incorrect.")).toBeVisible();
  await stranger.close();
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);

  await page.getByRole("link", { name: "Activity" }).click();
  await expect(page).toHaveURL(/\/account\/activity$/);
  const entries = page.getByTestId("activity-entry");
  await expect(entries.first()).toContainText("Signed in");
  await expect(entries.first()).toContainText("Chrome on Linux");
  const failed = entries.filter({ hasText: "Failed sign-in attempt" });
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText("Wrong password.");
  await expect(failed).toContainText(`ES · ${MADRID_IP}`);
  await expect(failed).toHaveAttribute("data-tone", "attention");
  await expect(entries.filter({ hasText: "Account created" })).toHaveCount(1);

  await entries.first().getByRole("link", { name: "This wasn't me" }).click();
  await expect(page).toHaveURL(/\/account\/activity\/report\?event=\d+$/);
  await expect(page.getByTestId("activity-entry")).toContainText("Signed in");
  await page.getByRole("button", { name: "Lock my account" }).click();
  await expect(page.getByText("Your account is locked and every session has ended")).toBeVisible();

  // The session that reported is over, and the password alone no longer opens the account.
  await page.goto("/account/activity");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Factivity/);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page.getByText(/This account is locked/)).toBeVisible();
});

test("a report names an entry of the customer's own history: anything else is not found", async ({ page }) => {
  const email = uniqueEmail("activity-other");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  for (const event of ["1", "abc", "99999999999999999999999"]) {
    const response = await page.goto(`/account/activity/report?event=${event}`);
    expect(response?.status(), event).toBe(404);
  }
});
