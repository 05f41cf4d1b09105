// Bad input gets a clear message next to the field (or a 403 for cross-site posts) and changes nothing.
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { STRONG_PASSWORD, expectNoMailTo, readMailLink, register, signIn, uniqueEmail } from "./helpers";

test("registration explains each bad field next to it, with the server's own schema", async ({ page }) => {
  await page.goto("/register");
  const email = page.getByLabel("Email");
  await email.fill("not-an-email");
  await page.getByLabel("Display name (optional)").fill("Evil\u202Ename");
  await page.getByLabel("Password", { exact: true }).fill("password1234567");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-email-error")).toHaveText(/valid email address/);
  await expect(email).toHaveAttribute("aria-describedby", /field-email-error/);
  await expect(page.locator("#field-displayName-error")).toHaveText(/invisible or control characters/);
  await expect(page.locator("#field-acceptTerms-error")).toHaveText(/accept the terms/);

  // The field itself stops at 254 characters (the server's limit is unit-tested in users.schema.test.ts).
  await email.fill(`${"a".repeat(300)}@example.test`);
  expect((await email.inputValue()).length).toBe(254);
});

test("the server refuses a common password even when the browser check is bypassed", async ({ page, browser }) => {
  const address = uniqueEmail("weak");
  await page.goto("/register");
  await page.getByLabel("Email").fill(address);
  await page.getByLabel("Password", { exact: true }).fill("password1234567");
  await page.getByLabel(/I accept the/).check();
  await expect(page.locator('input[name="altcha"]')).toHaveValue(/.+/, { timeout: 20_000 });
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-password-error")).toHaveText(/commonly used passwords/);
  // Nothing was queued: no verification mail.
  await expectNoMailTo(browser, address);
});

test("a forged consent purpose on the registration form is refused beside the purposes, and nothing is sent", async ({ page, browser }) => {
  const address = uniqueEmail("forged-purpose");
  await page.goto("/register");
  await page.getByLabel("Email").fill(address);
  await page.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
  await page.getByLabel(/I accept the/).check();
  // A box the page never offered, as a crafted request would post it.
  await page.locator("form").evaluate((form) => {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", name: "consent.no-such-purpose", value: "1", checked: true, hidden: true });
    form.appendChild(box);
  });
  await expect(page.locator('input[name="altcha"]')).toHaveValue(/.+/, { timeout: 20_000 });
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-purposes-error")).toHaveText(/is not offered here/);
  // Nothing was queued: no verification mail.
  await expectNoMailTo(browser, address);
});

test("emails are case-insensitive and Unicode-normalised", async ({ page }) => {
  const email = uniqueEmail("MiXeD");
  await register(page, email.toUpperCase());
  await signIn(page, `  ${email.toLowerCase()}  `, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email.toLowerCase());
});

test("tampered and reused links are refused without side effects", async ({ page }) => {
  const email = uniqueEmail("tamper");
  await register(page, email);
  const link = new URL(await readMailLink(page, email, /Verify your email/));
  const token = link.searchParams.get("token")!;
  const tampered = (token[0] === "A" ? "B" : "A") + token.slice(1);
  await page.goto(`/verify-email?token=${tampered}`);
  await page.getByRole("button", { name: "Verify my email" }).click();
  await expect(page.getByText(/invalid or has expired/)).toBeVisible();
  await page.goto(`/verify-email?token=${encodeURIComponent("<script>x</script>")}`);
  await page.getByRole("button", { name: "Verify my email" }).click();
  await expect(page.getByText(/invalid or has expired/)).toBeVisible();
  // The genuine link still works: the failed attempts changed nothing.
  await page.goto(link.toString());
  await page.getByRole("button", { name: "Verify my email" }).click();
  await expect(page.getByText(`${email} is verified`)).toBeVisible();

  await page.goto(`/reset-password?token=${"x".repeat(43)}`);
  await page.getByLabel("New password").fill("a brand new passphrase 9");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText(/invalid or has expired/)).toBeVisible();
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
});

test("a rejected new password does not burn the reset link", async ({ page }) => {
  const email = uniqueEmail("burn");
  await register(page, email);
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  const resetLink = await readMailLink(page, email, /Reset your Portico password/);
  await page.goto(resetLink);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.locator("#field-password-error")).toHaveText(/at least 15 characters/);
  await page.getByLabel("New password").fill("an acceptable passphrase 77");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText(/Your password was changed/)).toBeVisible();
});

test("cross-site and Origin-less form posts are refused with 403 before any code runs", async ({ request }) => {
  const attempts: Record<string, string>[] = [{ Origin: "https://evil.example" }, {}];
  for (const headers of attempts) {
    const res = await request.post(`${E2E_BASE_URL}/forgot-password`, {
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      data: "email=victim%40example.test",
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toMatch(/missing or foreign Origin/);
  }
  const same = await request.get(`${E2E_BASE_URL}/forgot-password`);
  expect(same.status()).toBe(200);
});

test("health reports liveness and database readiness", async ({ request }) => {
  const ready = await request.get(`${E2E_BASE_URL}/api/health`);
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ok", checks: { database: { status: "up" } } });
  const live = await request.get(`${E2E_BASE_URL}/api/health?probe=live`);
  expect(await live.json()).toEqual({ status: "ok" });
});
