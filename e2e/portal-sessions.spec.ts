// The customer's sessions and password in real browsers: two browser contexts signed in to one
// account; /account/sessions lists both and signs the other out; the security page refuses a wrong
// current password beside its field, then changes the password, which signs the other browser out
// and leaves this one signed in; the new password signs in.
import { expect, test, type Page } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { NEW_PASSWORD, STRONG_PASSWORD, register, signIn, uniqueEmail } from "./helpers";

const otherSessionRow = (page: Page) => page.locator('[data-testid="session"]:not([data-current])');

/** A browser whose session ended is sent to sign in when it opens a portal page. */
async function expectSignedOut(page: Page) {
  await page.goto("/account/sessions");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fsessions/);
}

test("sessions: both browsers listed, the other signed out; a password change signs the other browser out and the new password works", async ({ page, browser }) => {
  const email = uniqueEmail("sessions");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  const other = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
  await signIn(other, email, STRONG_PASSWORD);
  await expect(other).toHaveURL(/\/account$/);

  // Both sessions, this one marked; the device is parsed from the user agent.
  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page).toHaveURL(/\/account\/sessions$/);
  await expect(page.getByTestId("session")).toHaveCount(2);
  await expect(page.locator('[data-testid="session"][data-current]')).toContainText("This browser");
  await expect(otherSessionRow(page)).toContainText(/Chrome on Linux/);
  await expect(otherSessionRow(page)).toContainText("127.0.0.1");

  await otherSessionRow(page).getByRole("button", { name: /^Sign out/ }).click();
  await expect(page.getByText("That session is signed out.")).toBeVisible();
  await expect(page.getByTestId("session")).toHaveCount(1);
  await expectSignedOut(other);

  // The other browser signs in again; here, the password changes: a wrong current password first.
  await signIn(other, email, STRONG_PASSWORD);
  await expect(other).toHaveURL(/\/account$/);
  await page.getByRole("link", { name: "Security" }).click();
  await page.getByLabel("Current password").fill("not the password I have");
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-currentPassword-error")).toHaveText("This is not your current password.");
  await expect(other.getByRole("button", { name: "Sign out" })).toBeVisible(); // nothing changed yet
  await other.reload();
  await expect(other).toHaveURL(/\/account$/);

  await page.getByLabel("Current password").fill(STRONG_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password is changed. 1 other session was signed out.")).toBeVisible();

  // The other browser is out; this one stays in, alone on the sessions page.
  await expectSignedOut(other);
  await page.goto("/account/sessions");
  await expect(page.getByTestId("session")).toHaveCount(1);

  // The old password no longer signs in (tried from a public address of its own: the server trusts
  // X-Forwarded-For in the e2e run, and loopback's count of failing accounts, which the risk engine
  // reads, stays for the other specs); the new one does.
  const elsewhere = await browser.newContext({ baseURL: E2E_BASE_URL, extraHTTPHeaders: { "x-forwarded-for": "8.8.4.4" } });
  const elsewherePage = await elsewhere.newPage();
  await signIn(elsewherePage, email, STRONG_PASSWORD);
  await expect(elsewherePage.getByText("The email or password is incorrect.")).toBeVisible();
  await elsewhere.close();
  await signIn(other, email, NEW_PASSWORD);
  await expect(other).toHaveURL(/\/account$/);
  await other.context().close();
});
