// Versioned terms in a real browser: the administrator publishes a version that requires
// acceptance; a customer who registered before it is asked at their next sign-in, accepts and
// reaches the portal; another declines and stays signed out. The spec ends by publishing a version
// that requires nothing, so the specs after it (and the administrator) are not asked.
import { expect, test, type Page } from "@playwright/test";
import { STRONG_PASSWORD, adminPage, register, signIn, uniqueEmail } from "./helpers";

async function publish(admin: Page, title: string, body: string, requiresAcceptance: boolean) {
  await admin.goto("/admin/legal");
  const form = admin.getByRole("form", { name: "Publish a version" });
  await form.getByLabel("Document").selectOption("terms");
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Text").fill(body);
  const box = form.getByRole("checkbox", { name: /Customers must accept it/ });
  if (requiresAcceptance) await box.check();
  else await box.uncheck();
  await form.getByRole("button", { name: "Publish" }).click();
  await expect(admin.getByText(/Terms of service version \d+ is published\./)).toBeVisible();
}

test("a new version requiring acceptance: asked at sign-in, accepting reaches the portal, declining does not sign in; earlier versions stay readable", async ({ page, browser }) => {
  const accepting = uniqueEmail("terms-yes");
  const declining = uniqueEmail("terms-no");
  await register(page, accepting);
  await register(page, declining);

  const admin = await adminPage(browser);
  await admin.getByRole("link", { name: "Admin" }).click();
  await admin.getByRole("link", { name: "Terms", exact: true }).click();
  await expect(admin).toHaveURL(/\/admin\/legal$/);
  await publish(admin, "Terms of service 2027", "# What changed\n\nWe now **sell** nothing. <script>alert(1)</script>\n\n- one\n- two", true);

  // The public page shows it, HTML as text.
  await page.goto("/terms");
  await expect(page.getByRole("heading", { name: "Terms of service 2027" })).toBeVisible();
  await expect(page.getByTestId("legal-body")).toContainText("<script>alert(1)</script>");
  await expect(page.getByTestId("legal-body").locator("strong")).toHaveText("sell");

  await signIn(page, accepting, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/login\/terms$/);
  await expect(page.getByRole("link", { name: /Terms of service, version \d+/ })).toBeVisible();
  await page.getByRole("checkbox", { name: /I have read and accept/ }).check();
  await page.getByRole("button", { name: "Accept and continue" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("link", { name: "Activity" }).click();
  await expect(page.getByText("Accepted the terms").first()).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  // Accepted once: the next sign-in goes straight in.
  await signIn(page, accepting, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, declining, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/login\/terms$/);
  await page.getByRole("button", { name: "Decline and sign out" }).click();
  await expect(page).toHaveURL(/\/login\?declined=1$/);
  await expect(page.getByText("You are not signed in")).toBeVisible();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount/);

  // A later version that requires nothing: nobody is asked; the earlier one stays readable.
  await publish(admin, "Terms of service 2027, clarified", "Clearer words.", false);
  await page.goto("/terms");
  await expect(page.getByRole("heading", { name: "Terms of service 2027, clarified" })).toBeVisible();
  await page.getByRole("navigation", { name: "Versions" }).getByRole("link").last().click();
  await expect(page.getByText(/This is an earlier version/)).toBeVisible();
  await signIn(page, declining, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await admin.context().close();
});
